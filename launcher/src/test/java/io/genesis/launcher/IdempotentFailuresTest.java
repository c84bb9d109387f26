package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.redis.RedisKeys;
import io.genesis.embedded.TestServices;
import io.genesis.gateway.auth.Tokens;
import io.genesis.launcher.ReplyWire.Answer;
import io.genesis.launcher.ReplyWire.Event;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency-Key when the model fails: GENESIS on the suite's PostgreSQL and Redis, its model a fake upstream whose
 * first requests answer 500 (no retries, a breaker that stays closed), so which calls fail is a count, not a draw.
 */
@DisplayName("Idempotency-Key when the reply fails: a failed message's key answers 409 naming the failure, a failed "
    + "completion's key is free again, erasure deletes the journals its keys name")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentFailuresTest {
  static final String CONTENT = "How do I squat deeper?";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String REPLAYED = "Idempotent-Replayed";

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private ReplyWire wire;
  private WebSocketClient sockets;
  private Tokens tokens;
  private RedisAPI redis;
  private FakeUpstream fake;
  private Genesis genesis;

  @BeforeAll
  void clients(Vertx vertx) {
    this.vertx = vertx;
    wire = new ReplyWire(vertx);
    sockets = vertx.createWebSocketClient();
    tokens = new Tokens(vertx, TestApp.SECRET);
    redis = RedisAPI.api(Redis.createClient(vertx, TestServices.get().redisUrl()));
  }

  @AfterEach
  void stop() {
    if (genesis != null) {
      genesis.close();
    }
    if (fake != null) {
      Await.result(fake.close(), WAIT);
    }
  }

  /** A fake whose first {@code failing} requests answer 500, then GENESIS on it: one call per reply, the breaker closed. */
  private void start(int failing) {
    start(FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(12).withFailFirst(failing), Map.of());
  }

  private void start(FakeUpstreamOptions options, Map<String, String> more) {
    fake = Await.result(FakeUpstream.start(vertx, options), WAIT);
    Map<String, String> env = new HashMap<>(more);
    env.put("GENESIS_MODEL_BASE_URL", fake.baseUrl());
    env.put("GENESIS_MODEL_NAME", "coach-7b");
    env.put("GENESIS_MODEL_MAX_RETRIES", "0");
    env.put("GENESIS_MODEL_BREAKER_FAILURES", "1000");
    genesis = TestApp.start(dataDir, env);
  }

  private String token() {
    return tokens.issue("fail-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private String session(String token) {
    return new Http(vertx, genesis.httpPort()).newSession(token, "volt");
  }

  private Answer post(String token, String sessionId, boolean sse, Map<String, String> headers) {
    return Await.result(wire.message(genesis.httpPort(), token, sessionId, CONTENT, sse, headers), WAIT);
  }

  private JsonArray stored(String token, String sessionId) {
    Answer page = Await.result(wire.send(HttpMethod.GET, genesis.httpPort(), ReplyWire.messagesPath(sessionId), token, null,
        Map.of()), WAIT);
    assertEquals(200, page.status(), page::body);
    return page.json().getJsonArray("items");
  }

  private static void assertProblem(int status, Answer answer) {
    assertEquals(status, answer.status(), answer::body);
    assertEquals("application/problem+json", answer.headers().get("Content-Type"), answer::body);
  }

  @Test
  @DisplayName("a message whose reply failed (502) after its user message was stored: the retry with its key, JSON or SSE, gets 409 "
      + "naming the failure, without Retry-After, and stores nothing; the model is not called again; a new key works")
  void failedMessageKey() {
    start(1);
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    Answer first = post(token, sessionId, false, Map.of("Idempotency-Key", key));
    assertProblem(502, first);
    assertNotNull(first.headers().get("Retry-After"), "the first failure itself says when to retry: " + first.body());
    JsonArray afterFirst = stored(token, sessionId);
    assertEquals(1, afterFirst.size(), afterFirst::encode);
    assertEquals("user", afterFirst.getJsonObject(0).getString("role"), afterFirst::encode);

    Answer retry = post(token, sessionId, false, Map.of("Idempotency-Key", key));
    assertProblem(409, retry);
    assertNull(retry.headers().get("Retry-After"), () -> "a 409 with Retry-After tells the client to retry the same key: " + retry.body());
    String detail = retry.json().getString("detail");
    assertTrue(detail.contains("failed (502") && detail.contains("new key"), detail);
    assertNull(retry.headers().get(REPLAYED), retry::body);
    assertEquals(1, fake.requests().get(), "the retry does not call the model");
    assertEquals(afterFirst, stored(token, sessionId), "the retry stores no second user message");

    Answer renewed = post(token, sessionId, false, Map.of("Idempotency-Key", "k-" + UUID.randomUUID()));
    assertEquals(201, renewed.status(), renewed::body);
    assertEquals(2, fake.requests().get());
    JsonArray messages = stored(token, sessionId);
    assertEquals(3, messages.size(), messages::encode);
    assertEquals(renewed.json().getJsonObject("reply").getString("id"), messages.getJsonObject(0).getString("id"));
  }

  @Test
  @DisplayName("a JSON retry that joins a first request still running, which then fails before any text (504): the retry gets 409 "
      + "naming the failure, without Retry-After; one user message is stored")
  void joinedFirstFails() {
    start(FakeUpstreamOptions.defaults().withHangRate(1.0), Map.of("GENESIS_MODEL_FIRST_TOKEN_TIMEOUT_MS", "1500"));
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    io.vertx.core.Future<Answer> first = wire.message(genesis.httpPort(), token, sessionId, CONTENT, false,
        Map.of("Idempotency-Key", key));
    // The user's message is stored before the model is asked: the first request is running from then on.
    for (int attempt = 0; stored(token, sessionId).isEmpty(); attempt++) {
      assertTrue(attempt < 200, "the first request's user message was never stored");
    }
    Answer retry = post(token, sessionId, false, Map.of("Idempotency-Key", key));
    assertProblem(409, retry);
    assertNull(retry.headers().get("Retry-After"), retry::body);
    String detail = retry.json().getString("detail");
    assertTrue(detail.contains("failed (504") && detail.contains("new key"), detail);
    assertProblem(504, Await.result(first, WAIT));
    JsonArray messages = stored(token, sessionId);
    assertEquals(1, messages.size(), messages::encode);
  }

  @Test
  @DisplayName("an SSE message, or a WebSocket message, whose reply failed: the retry with its key (requestId) gets 409 naming the "
      + "failure, without Retry-After or retryAfterSeconds, not the first failure replayed; the model is not called again")
  void failedStreamedMessageKey() {
    start(2);
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    Answer first = post(token, sessionId, true, Map.of("Idempotency-Key", key));
    assertEquals(200, first.status(), first::body);
    Event failed = last(first.events());
    assertEquals("error", failed.name(), first::body);
    assertEquals(502, failed.data().getInteger("status"), first::body);

    Answer retry = post(token, sessionId, true, Map.of("Idempotency-Key", key));
    assertProblem(409, retry);
    assertNull(retry.headers().get("Retry-After"), retry::body);
    assertTrue(retry.json().getString("detail").contains("failed (502"), retry::body);
    assertEquals(1, fake.requests().get(), "the retry does not call the model");
    assertEquals(1, stored(token, sessionId).size(), "the retry stores no second user message");

    String requestId = "w-" + UUID.randomUUID();
    JsonObject socketFailed = lastFrame(token, ChatClient.message(requestId, sessionId, CONTENT));
    assertEquals(502, socketFailed.getInteger("status"), socketFailed::encode);
    JsonObject socketRetry = lastFrame(token, ChatClient.message(requestId, sessionId, CONTENT));
    assertEquals("error", socketRetry.getString("type"), socketRetry::encode);
    assertEquals(409, socketRetry.getInteger("status"), socketRetry::encode);
    assertEquals(0, socketRetry.getInteger("retryAfterSeconds", 0), socketRetry::encode);
    assertTrue(socketRetry.getString("detail").contains("new key"), socketRetry::encode);
    assertEquals(2, fake.requests().get(), "the WebSocket retry does not call the model");
    assertEquals(2, stored(token, sessionId).size(), "two user messages, one per request id, no reply");
  }

  /** Sends {@code frame} on a new socket; answers the last frame of its reply (done or error). */
  private JsonObject lastFrame(String token, JsonObject frame) {
    String requestId = frame.getString("requestId");
    List<JsonObject> frames = Await.result(ChatClient.connect(sockets, genesis.httpPort(), "/api/v1/ws", token)
        .compose(chat -> chat.send(frame).compose(sent -> chat.reply(requestId)).compose(reply -> chat.close().map(reply))), WAIT);
    return frames.get(frames.size() - 1);
  }

  private static Event last(List<Event> events) {
    assertFalse(events.isEmpty(), "no events");
    return events.get(events.size() - 1);
  }

  private Answer complete(String token, JsonObject body, String key) {
    return Await.result(wire.send(HttpMethod.POST, genesis.httpPort(), "/v1/chat/completions", token, body.toBuffer(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", key)), WAIT);
  }

  private static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "volt").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", CONTENT)));
  }

  @Test
  @DisplayName("/v1/chat/completions with a key against a failing model: the key is released, each retry calls the model again "
      + "(no 409, no replayed error), JSON and streamed; once the model answers, the completion is kept and replayed")
  void failedCompletionFreesKey() {
    start(4);
    String token = token();
    String jsonKey = "c-" + UUID.randomUUID();
    for (int call = 1; call <= 2; call++) {
      Answer failed = complete(token, chat(false), jsonKey);
      assertEquals(502, failed.status(), failed::body);
      assertNull(failed.headers().get(REPLAYED), failed::body);
      assertEquals(call, fake.requests().get(), "call " + call + " reached the model: " + failed.body());
    }
    String streamKey = "s-" + UUID.randomUUID();
    for (int call = 3; call <= 4; call++) {
      Answer failed = complete(token, chat(true), streamKey);
      assertTrue(failed.status() == 502 || failed.body().contains("\"error\""), failed::body);
      assertFalse(failed.status() == 409, failed::body);
      assertNull(failed.headers().get(REPLAYED), failed::body);
      assertEquals(call, fake.requests().get(), "call " + call + " reached the model: " + failed.body());
    }
    Answer answered = complete(token, chat(false), jsonKey);
    assertEquals(200, answered.status(), answered::body);
    assertNull(answered.headers().get(REPLAYED));
    assertEquals(5, fake.requests().get());
    Answer replayed = complete(token, chat(false), jsonKey);
    assertEquals(200, replayed.status(), replayed::body);
    assertEquals("true", replayed.headers().get(REPLAYED));
    assertEquals(answered.json().getString("id"), replayed.json().getString("id"));
    assertEquals(5, fake.requests().get(), "a kept completion is not asked for again");
  }

  @Test
  @DisplayName("DELETE /api/v1/me: no reply journal of the user is left in Redis: a stored reply's, one sent with a key, and a failed "
      + "reply's that only its key names; another user's journal stays")
  void erasureDeletesJournals() {
    start(1);
    String token = token();
    String sessionId = session(token);
    List<Event> failed = post(token, sessionId, true, Map.of("Idempotency-Key", "k-" + UUID.randomUUID())).events();
    assertEquals("error", last(failed).name(), failed::toString);
    List<Event> keyed = post(token, sessionId, true, Map.of("Idempotency-Key", "k-" + UUID.randomUUID())).events();
    List<Event> plain = post(token, sessionId, true, Map.of()).events();
    String otherToken = token();
    List<Event> others = post(otherToken, session(otherToken), true, Map.of()).events();
    for (List<Event> events : List.of(keyed, plain, others)) {
      assertEquals("done", last(events).name(), events::toString);
    }
    List<String> mine = List.of(replyId(failed), replyId(keyed), replyId(plain));
    assertEquals(2, stored(token, sessionId).stream().filter(m -> "agent".equals(((JsonObject) m).getString("role"))).count(),
        "the failed reply is not stored: only its key names it");
    for (List<Event> events : List.of(failed, keyed, plain, others)) {
      Await.result(journalHolds(replyId(events), last(events).id(), 200), WAIT); // its writes all landed
    }

    Answer erased = Await.result(wire.send(HttpMethod.DELETE, genesis.httpPort(), "/api/v1/me", token, null, Map.of()), WAIT);
    assertEquals(204, erased.status(), erased::body);
    for (String replyId : mine) {
      assertEquals(0, Await.result(redis.exists(List.of(RedisKeys.replyEvents(replyId))), WAIT).toInteger(),
          "the journal of " + replyId + " is left after the erasure");
    }
    assertEquals(1, Await.result(redis.exists(List.of(RedisKeys.replyEvents(replyId(others)))), WAIT).toInteger(),
        "another user's journal stays");
  }

  private static String replyId(List<Event> events) {
    assertEquals("meta", events.get(0).name(), events::toString);
    return events.get(0).data().getString("replyId");
  }

  /** Once the reply's journal in Redis holds {@code events} events (see {@link ReplyWire#journalHolds}). */
  private Future<Void> journalHolds(String replyId, long events, int attempts) {
    return ReplyWire.journalHolds(vertx, redis, replyId, events, attempts);
  }
}
