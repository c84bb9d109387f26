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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two whole GENESIS stacks on the suite's PostgreSQL and Redis (one data directory, so one encryption key). */
@DisplayName("Idempotency-Key on messages (JSON, SSE), WebSocket request ids and /v1/chat/completions, across two gateways")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyKeyTest {
  static final String CONTENT = ResumeTest.CONTENT;
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int CONCURRENT = 100;
  static final String REPLAYED = "Idempotent-Replayed";

  @TempDir
  static Path dataDir;

  private Genesis a;
  private Genesis b;
  private Vertx vertx;
  private ReplyWire wire;
  private WebSocketClient sockets;
  private Tokens tokens;
  private RedisAPI redis;

  @BeforeAll
  void start(Vertx vertx) {
    Map<String, String> paced = Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "3");
    a = TestApp.start(dataDir, paced);
    b = TestApp.start(dataDir, paced);
    this.vertx = vertx;
    wire = new ReplyWire(vertx);
    sockets = vertx.createWebSocketClient();
    tokens = new Tokens(vertx, TestApp.SECRET);
    redis = RedisAPI.api(Redis.createClient(vertx, TestServices.get().redisUrl()));
  }

  @AfterAll
  void stop() {
    b.close();
    a.close();
  }

  private String token() {
    return tokens.issue("idem-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private String session(String token) {
    return new Http(vertx, a.httpPort()).newSession(token, "volt");
  }

  private Answer post(Genesis on, String token, String sessionId, String content, boolean sse, String key) {
    return Await.result(wire.message(on.httpPort(), token, sessionId, content, sse, Map.of("Idempotency-Key", key)), WAIT);
  }

  private JsonArray stored(Genesis on, String token, String sessionId) {
    Answer page = Await.result(wire.send(HttpMethod.GET, on.httpPort(), ReplyWire.messagesPath(sessionId), token, null, Map.of()), WAIT);
    assertEquals(200, page.status(), page::body);
    return page.json().getJsonArray("items");
  }

  private static void assertProblem(int status, Answer answer) {
    assertEquals(status, answer.status(), answer::body);
    assertEquals("application/problem+json", answer.headers().get("Content-Type"), answer::body);
  }

  /** The user message id and reply id an answer names, and the reply's text, whichever way it came. */
  private record Named(String messageId, String replyId, String content) {}

  private static Named named(Answer answer, boolean sse) {
    if (!sse) {
      JsonObject exchange = answer.json();
      return new Named(exchange.getJsonObject("message").getString("id"), exchange.getJsonObject("reply").getString("id"),
          exchange.getJsonObject("reply").getString("content"));
    }
    List<Event> events = answer.events();
    Event meta = events.get(0);
    Event done = events.get(events.size() - 1);
    assertEquals("meta", meta.name(), answer::body);
    assertEquals("done", done.name(), answer::body);
    assertEquals(ReplyWire.deltaText(events), done.data().getString("content"), "deltas add up to done: " + answer.body());
    assertEquals(meta.data().getString("replyId"), done.data().getString("id"), answer::body);
    return new Named(meta.data().getString("userMessageId"), done.data().getString("id"), done.data().getString("content"));
  }

  @Test
  @DisplayName(CONCURRENT + " concurrent POSTs with one key over two gateways, JSON and SSE mixed: one exchange stored, "
      + "every answer names it (201/200) or is 409 (or a 503 of an overloaded store) with Retry-After")
  void concurrentRetries() {
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      Genesis on = i % 2 == 0 ? a : b;
      answers.add(wire.message(on.httpPort(), token, sessionId, CONTENT, i % 4 < 2, Map.of("Idempotency-Key", key)));
    }
    Await.result(Future.join(answers), WAIT);
    Set<Named> names = new HashSet<>();
    int conflicts = 0;
    for (int i = 0; i < CONCURRENT; i++) {
      Answer answer = answers.get(i).result();
      boolean sse = i % 4 < 2;
      // 409: the first still runs and has no journal to join yet. 503: the session store sheds what waits over
      // 500 ms for a database connection, which a loaded 2-core machine reaches with 100 requests at once.
      if (answer.status() == 409 || answer.status() == 503) {
        conflicts++;
        assertProblem(answer.status(), answer);
        assertNotNull(answer.headers().get("Retry-After"), answer::body);
        continue;
      }
      int n = i;
      assertEquals(sse ? 200 : 201, answer.status(), () -> "request " + n + " answered " + answer.body());
      names.add(named(answer, sse));
    }
    JsonArray messages = stored(b, token, sessionId);
    assertEquals(2, messages.size(), messages::encodePrettily);
    Named storedOnes = new Named(messages.getJsonObject(1).getString("id"), messages.getJsonObject(0).getString("id"),
        messages.getJsonObject(0).getString("content"));
    assertEquals(Set.of(storedOnes), names, conflicts + " answered 409 or 503; stored " + messages.encode());
  }

  @Test
  @DisplayName("the same key with another body: 422 with its problem type; nothing more stored")
  void otherBody() {
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    assertEquals(201, post(a, token, sessionId, CONTENT, false, key).status());
    Answer other = post(b, token, sessionId, CONTENT + " And my 5k?", false, key);
    assertProblem(422, other);
    assertEquals("urn:genesis:problem:unprocessable", other.json().getString("type"), other::body);
    assertProblem(422, post(a, token, sessionId, CONTENT + " And my 5k?", true, key));
    assertEquals(2, stored(a, token, sessionId).size());
  }

  @Test
  @DisplayName("an empty key or one of 256 characters: 400; one of 255 is taken")
  void keyLength() {
    String token = token();
    String sessionId = session(token);
    assertProblem(400, post(a, token, sessionId, CONTENT, false, ""));
    assertProblem(400, post(a, token, sessionId, CONTENT, true, "k".repeat(256)));
    assertEquals(0, stored(a, token, sessionId).size(), "nothing stored for a refused key");
    assertEquals(201, post(a, token, sessionId, CONTENT, false, "k".repeat(255)).status());
  }

  @Test
  @DisplayName("a JSON retry after completion gets the identical answer with Idempotent-Replayed, on either gateway")
  void jsonReplay() {
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    Answer first = post(a, token, sessionId, CONTENT, false, key);
    assertEquals(201, first.status(), first::body);
    assertNull(first.headers().get(REPLAYED));
    for (Genesis on : List.of(a, b)) {
      Answer again = post(on, token, sessionId, CONTENT, false, key);
      assertEquals(201, again.status(), again::body);
      assertEquals("true", again.headers().get(REPLAYED));
      assertEquals(first.json(), again.json());
    }
    assertEquals(2, stored(b, token, sessionId).size());
  }

  @Test
  @DisplayName("an SSE retry after completion replays the stream (its deltas add up to the stored reply); "
      + "once the journal is gone, from the stored messages")
  void sseReplay() {
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    Answer first = post(a, token, sessionId, CONTENT, true, key);
    assertEquals(200, first.status(), first::body);
    Named original = named(first, true);
    Answer again = post(b, token, sessionId, CONTENT, true, key);
    assertEquals(200, again.status(), again::body);
    assertEquals("true", again.headers().get(REPLAYED));
    assertEquals(original, named(again, true));
    assertEquals(first.events(), again.events(), "the journal's events, as first sent");
    Await.result(redis.del(List.of(RedisKeys.replyEvents(original.replyId()))), WAIT);
    Answer fromStore = post(b, token, sessionId, CONTENT, true, key);
    assertEquals(200, fromStore.status(), fromStore::body);
    assertEquals("true", fromStore.headers().get(REPLAYED));
    assertEquals(original, named(fromStore, true));
    JsonArray messages = stored(a, token, sessionId);
    assertEquals(2, messages.size());
    assertEquals(original.content(), messages.getJsonObject(0).getString("content"));
  }

  @Test
  @DisplayName("a retry while the first request runs on after its client left joins it: SSE gets every event from the first, "
      + "JSON the whole exchange; nothing stored twice")
  void retryJoinsDetachedReply() {
    String token = token();
    String sessionId = session(token);
    String key = "k-" + UUID.randomUUID();
    List<Event> cut = Await.result(wire.sendAndHangUp(a.httpPort(), token, sessionId, CONTENT, 2, Map.of("Idempotency-Key", key)), WAIT);
    assertEquals("meta", cut.get(0).name());
    // Before its first write reaches Redis, a retry is told 409 (no journal to join yet): wait for it.
    Await.result(journalHolds(cut.get(0).data().getString("replyId"), cut.get(cut.size() - 1).id(), 200), WAIT);
    Answer joined = post(b, token, sessionId, CONTENT, true, key);
    assertEquals(200, joined.status(), joined::body);
    assertEquals("true", joined.headers().get(REPLAYED));
    List<Event> events = joined.events();
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).id(), joined::body);
    }
    assertEquals(cut, events.subList(0, cut.size()), "the first request's events, as first sent");
    Named whole = named(joined, true);
    assertTrue(whole.content().contains(ResumeTest.PHRASE), whole::content);
    assertFalse(events.get(events.size() - 1).data().getBoolean("partial"));
    Answer json = post(a, token, sessionId, CONTENT, false, key);
    assertEquals(201, json.status(), json::body);
    assertEquals(whole, named(json, false));
    JsonArray messages = stored(b, token, sessionId);
    assertEquals(2, messages.size(), messages::encode);
    assertEquals(whole.content(), messages.getJsonObject(0).getString("content"));
  }

  /** Once the reply's journal in Redis holds {@code events} events (see {@link ReplyWire#journalHolds}). */
  private Future<Void> journalHolds(String replyId, long events, int attempts) {
    return ReplyWire.journalHolds(vertx, redis, replyId, events, attempts);
  }

  @Test
  @DisplayName("a WebSocket message sent again with its requestId (another socket, the other gateway) replays the reply; "
      + "with other content it is refused with 422")
  void webSocketReplay() {
    String token = token();
    String sessionId = session(token);
    String requestId = "w-" + UUID.randomUUID();
    List<JsonObject> first = Await.result(exchange(a, token, ChatClient.message(requestId, sessionId, CONTENT)), WAIT);
    List<JsonObject> again = Await.result(exchange(b, token, ChatClient.message(requestId, sessionId, CONTENT)), WAIT);
    JsonObject done = first.get(first.size() - 1);
    assertEquals("done", done.getString("type"), first::toString);
    assertEquals(first, again, "the same frames, event ids and all");
    JsonObject refused = last(Await.result(exchange(b, token, ChatClient.message(requestId, sessionId, "something else")), WAIT));
    assertEquals("error", refused.getString("type"), refused::encode);
    assertEquals(422, refused.getInteger("status"), refused::encode);
    JsonArray messages = stored(a, token, sessionId);
    assertEquals(2, messages.size(), messages::encode);
    assertEquals(done.getString("id"), messages.getJsonObject(0).getString("id"));
  }

  @Test
  @DisplayName("keys are each user's own: another user's message with the same Idempotency-Key or WebSocket requestId is a new exchange")
  void keysPerUser() {
    String key = "shared-" + UUID.randomUUID();
    String first = token();
    String firstSession = session(first);
    Named mine = named(post(a, first, firstSession, CONTENT, false, key), false);
    String second = token();
    String secondSession = session(second);
    Answer theirs = post(b, second, secondSession, CONTENT, false, key);
    assertEquals(201, theirs.status(), theirs::body);
    assertNull(theirs.headers().get(REPLAYED));
    assertTrue(!named(theirs, false).replyId().equals(mine.replyId()), theirs::body);
    List<JsonObject> firstFrames = Await.result(exchange(a, first, ChatClient.message(key + "-ws", firstSession, CONTENT)), WAIT);
    List<JsonObject> secondFrames = Await.result(exchange(b, second, ChatClient.message(key + "-ws", secondSession, CONTENT)), WAIT);
    assertEquals("done", last(secondFrames).getString("type"), secondFrames::toString);
    assertTrue(!last(firstFrames).getString("id").equals(last(secondFrames).getString("id")), secondFrames::toString);
    assertEquals(4, stored(a, second, secondSession).size());
    assertEquals(4, stored(b, first, firstSession).size());
  }

  private static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  /** Sends {@code frame} on a new socket; answers its frames up to done or error. */
  private Future<List<JsonObject>> exchange(Genesis on, String token, JsonObject frame) {
    String requestId = frame.getString("requestId");
    return ChatClient.connect(sockets, on.httpPort(), "/api/v1/ws", token).compose(chat -> chat.send(frame)
        .compose(sent -> chat.reply(requestId))
        .compose(frames -> chat.close().map(frames)));
  }

  private Answer complete(Genesis on, String token, JsonObject body, String key) {
    return Await.result(wire.send(HttpMethod.POST, on.httpPort(), "/v1/chat/completions", token, body.toBuffer(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", key)), WAIT);
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("model", "volt")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }

  @Test
  @DisplayName("/v1/chat/completions: a retry gets the same completion with Idempotent-Replayed; another body, 422 in OpenAI's shape")
  void completionReplay() {
    String token = token();
    String key = "c-" + UUID.randomUUID();
    Answer first = complete(a, token, chat(CONTENT), key);
    assertEquals(200, first.status(), first::body);
    assertNull(first.headers().get(REPLAYED));
    Answer again = complete(b, token, chat(CONTENT), key);
    assertEquals(200, again.status(), again::body);
    assertEquals("true", again.headers().get(REPLAYED));
    assertEquals(first.json().getString("id"), again.json().getString("id"));
    assertEquals(first.json().getJsonArray("choices"), again.json().getJsonArray("choices"));
    assertTrue(first.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")
        .contains(ResumeTest.PHRASE), first::body);
    Answer other = complete(a, token, chat(CONTENT + " And my 5k?"), key);
    assertEquals(422, other.status(), other::body);
    assertTrue(other.headers().get("Content-Type").startsWith("application/json"), other.headers().get("Content-Type"));
    JsonObject error = other.json().getJsonObject("error");
    assertNotNull(error, other::body);
    assertEquals("invalid_request_error", error.getString("type"), other::body);
    assertTrue(error.getString("message").contains("Idempotency-Key"), other::body);
  }
}
