package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.auth.Tokens;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The WebSocket API (GET /api/v1/ws), end to end on real PostgreSQL and Redis")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class WebSocketTest {
  private static final String WS = "/api/v1/ws";
  private static final int RATE_LIMIT = 4;
  private static final int POLLS = 100;
  private static final long POLL_MILLIS = 50;

  @TempDir
  static Path dataDir;

  /** As configured by default: replies stream at once. */
  private Genesis app;
  /** The offline coach pauses 20 ms between tokens, so a reply lasts long enough to overlap or cut. */
  private Genesis paced;
  /** {@value #RATE_LIMIT} requests a minute per user. */
  private Genesis limited;
  private Vertx vertx;
  private WebSocketClient sockets;
  private Tokens tokens;
  private final Map<Genesis, Http> blocking = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Genesis, WebClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  void start(Vertx vertx) {
    app = TestApp.start(dataDir);
    // Replies whose socket closed stop at once here (the default keeps them generating: ResumeTest covers that).
    paced = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "20", "GENESIS_DETACHED_REPLY_SECONDS", "0"));
    limited = TestApp.start(dataDir, Map.of("GENESIS_RATE_LIMIT_PER_MINUTE", String.valueOf(RATE_LIMIT)));
    this.vertx = vertx;
    sockets = vertx.createWebSocketClient();
    // Minted here, not by the dev-token route: that one is limited per address too.
    tokens = new Tokens(vertx, TestApp.SECRET);
  }

  @AfterAll
  void stop() {
    limited.close();
    paced.close();
    app.close();
  }

  // ---- helpers ----

  private String token() {
    return tokens.issue("ws-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private Http http(Genesis target) {
    return blocking.computeIfAbsent(target, t -> new Http(vertx, t.httpPort()));
  }

  private WebClient web(Genesis target) {
    return clients.computeIfAbsent(target, t -> WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(t.httpPort())));
  }

  /** A new session of the token's user (on the test thread, before the asynchronous part). */
  private String session(Genesis target, String token, String agentId) {
    JsonObject body = agentId == null ? new JsonObject() : new JsonObject().put("agentId", agentId);
    HttpResponse<Buffer> created = http(target).post("/api/v1/sessions", token, body);
    assertEquals(201, created.statusCode(), created::bodyAsString);
    return created.bodyAsJsonObject().getString("id");
  }

  private Future<ChatClient> connect(Genesis target, String token) {
    return ChatClient.connect(sockets, target.httpPort(), WS, token);
  }

  /** The session's messages, newest first, read back over HTTP. */
  private Future<JsonArray> messages(Genesis target, String token, String sessionId) {
    return web(target).get("/api/v1/sessions/" + sessionId + "/messages").bearerTokenAuthentication(token).send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("items"));
  }

  /** Reads the messages until one matches, at most {@value #POLLS} times, {@value #POLL_MILLIS} ms apart. */
  private Future<JsonObject> pollMessages(Genesis target, String token, String sessionId,
                                          java.util.function.Predicate<JsonObject> match, int attemptsLeft) {
    return messages(target, token, sessionId).compose(items -> {
      JsonObject found = items.stream().map(JsonObject.class::cast).filter(match).findFirst().orElse(null);
      if (found != null) {
        return Future.succeededFuture(found);
      }
      if (attemptsLeft <= 1) {
        return Future.failedFuture("no matching message after " + POLLS + " reads: " + items.encode());
      }
      return vertx.timer(POLL_MILLIS).compose(t -> pollMessages(target, token, sessionId, match, attemptsLeft - 1));
    });
  }

  private static String deltas(List<JsonObject> frames) {
    return frames.stream().filter(f -> "delta".equals(f.getString("type"))).map(f -> f.getString("text")).collect(Collectors.joining());
  }

  private static List<String> types(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getString("type")).toList();
  }

  private static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  /** A whole reply: meta first, then deltas adding up to the stored reply in done, last. */
  private static void assertStreamed(List<JsonObject> frames) {
    List<String> types = types(frames);
    assertEquals("meta", types.get(0), types::toString);
    assertEquals("done", types.get(types.size() - 1), () -> "the last frame: " + last(frames).encode());
    assertTrue(types.stream().filter("delta"::equals).count() >= 2, types::toString);
    JsonObject done = last(frames);
    assertEquals(deltas(frames), done.getString("content"));
    assertEquals("agent", done.getString("role"));
    assertFalse(done.getBoolean("partial"));
  }

  private static void assertError(JsonObject frame, int status) {
    assertEquals("error", frame.getString("type"), frame::encode);
    assertEquals(status, frame.getInteger("status"), frame::encode);
    assertTrue(frame.getString("problemType").startsWith("urn:genesis:problem:"), frame::encode);
    assertNotNull(frame.getString("title"));
    assertNotNull(frame.getString("detail"));
  }

  private static Set<String> fields(JsonObject error) {
    return error.getJsonArray("errors", new JsonArray()).stream().map(e -> ((JsonObject) e).getString("field"))
        .collect(Collectors.toSet());
  }

  private static <T> void check(VertxTestContext test, Future<T> outcome, ThrowingConsumer<T> assertions) {
    outcome.onComplete(test.succeeding(value -> test.verify(() -> {
      assertions.accept(value);
      test.completeNow();
    })));
  }

  private static UpgradeRejectedException rejected(AsyncResult<?> attempt) {
    assertTrue(attempt.failed(), "the upgrade succeeded");
    return assertInstanceOf(UpgradeRejectedException.class, attempt.cause());
  }

  private static void assertProblem(UpgradeRejectedException rejected, int status) {
    assertEquals(status, rejected.getStatus());
    assertEquals("application/problem+json", rejected.getHeaders().get("Content-Type"));
    assertEquals(status, new JsonObject(rejected.getBody()).getInteger("status"));
  }

  // ---- the upgrade ----

  @Test
  @DisplayName("upgrades with the token in the Authorization header, and answers ping with pong")
  void headerToken(VertxTestContext test) {
    Future<List<JsonObject>> pongs = connect(app, token()).compose(chat -> chat.send(new JsonObject().put("type", "ping"))
        .compose(sent -> chat.frame("pong", null))
        .compose(pong -> chat.send(new JsonObject().put("type", "ping").put("requestId", "p-1")))
        .compose(sent -> chat.frame("pong", "p-1"))
        .compose(pong -> chat.close().map(List.of(pong))));
    check(test, pongs, frames -> assertEquals(new JsonObject().put("type", "pong").put("requestId", "p-1"), frames.get(0)));
  }

  @Test
  @DisplayName("upgrades with the token in the token query parameter")
  void queryToken(VertxTestContext test) {
    Future<JsonObject> pong = ChatClient.connect(sockets, app.httpPort(), WS + "?token=" + token(), null)
        .compose(chat -> chat.send(new JsonObject().put("type", "ping")).compose(sent -> chat.frame("pong", null)));
    check(test, pong, frame -> assertEquals("pong", frame.getString("type")));
  }

  @Test
  @DisplayName("refuses the upgrade with a 401 problem without a token or with a bad one; elsewhere ?token= is no token")
  void unauthorized(VertxTestContext test) {
    String token = token();
    HttpResponse<Buffer> elsewhere = http(app).get("/api/v1/sessions?token=" + token, null);
    assertEquals(401, elsewhere.statusCode(), "the query parameter is for the upgrade only");
    HttpResponse<Buffer> plain = http(app).get(WS, token);
    assertEquals(426, plain.statusCode(), plain::bodyAsString);
    assertEquals("application/problem+json", plain.getHeader("Content-Type"));
    assertEquals("websocket", plain.getHeader("Upgrade"));
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    List<Future<ChatClient>> attempts = List.of(connect(app, null), connect(app, "not.a.jwt"),
        ChatClient.connect(sockets, app.httpPort(), WS + "?token=" + tampered, null));
    check(test, Future.join(attempts).transform(done -> Future.succeededFuture(attempts)), refused -> {
      for (Future<ChatClient> attempt : refused) {
        assertProblem(rejected(attempt), 401);
      }
    });
  }

  // ---- replies ----

  @Test
  @DisplayName("a message streams meta, deltas and done; done is the stored reply and equals the deltas")
  void streamsAndStores(VertxTestContext test) {
    String token = token();
    String sessionId = session(app, token, "aura");
    Future<List<Object>> outcome = connect(app, token).compose(chat -> chat.send(ChatClient.message("r-1", sessionId,
            "I feel stressed before meetings"))
        .compose(sent -> chat.reply("r-1"))
        .compose(frames -> messages(app, token, sessionId).map(stored -> List.of(frames, stored))));
    check(test, outcome, both -> {
      @SuppressWarnings("unchecked")
      List<JsonObject> frames = (List<JsonObject>) both.get(0);
      JsonArray stored = (JsonArray) both.get(1);
      assertStreamed(frames);
      frames.forEach(f -> assertEquals("r-1", f.getString("requestId")));
      JsonObject meta = frames.get(0);
      assertEquals("aura", meta.getString("agentId"));
      JsonObject done = last(frames);
      assertEquals(sessionId, done.getString("sessionId"));
      assertEquals("aura", done.getString("agentId"));
      assertNotNull(done.getString("createdAt"));
      assertEquals(2, stored.size());
      JsonObject reply = stored.getJsonObject(0);
      assertEquals(done.getString("id"), reply.getString("id"));
      assertEquals(done.getString("content"), reply.getString("content"));
      assertEquals(meta.getString("userMessageId"), stored.getJsonObject(1).getString("id"));
      assertEquals("I feel stressed before meetings", stored.getJsonObject(1).getString("content"));
    });
  }

  @Test
  @DisplayName("two messages in flight on one socket both complete, their frames interleaved and each with its requestId")
  void twoInFlight(VertxTestContext test) {
    String token = token();
    String nutrition = session(paced, token, "sage");
    String training = session(paced, token, "blaze");
    Future<List<List<JsonObject>>> outcome = connect(paced, token).compose(chat -> chat.send(ChatClient.message("a", nutrition,
            "How much protein do I need a day?"))
        .compose(sent -> chat.send(ChatClient.message("b", training, "How should I warm up before squats?")))
        .compose(sent -> Future.all(chat.reply("a"), chat.reply("b")))
        .compose(both -> chat.all().map(all -> List.of(both.<List<JsonObject>>resultAt(0),
            both.<List<JsonObject>>resultAt(1), all))));
    check(test, outcome, replies -> {
      assertStreamed(replies.get(0));
      assertStreamed(replies.get(1));
      assertEquals("sage", last(replies.get(0)).getString("agentId"));
      assertEquals("blaze", last(replies.get(1)).getString("agentId"));
      List<String> order = replies.get(2).stream().map(f -> f.getString("requestId") + ":" + f.getString("type")).toList();
      assertTrue(order.indexOf("b:meta") < order.indexOf("a:done"), () -> "b started before a ended: " + order);
    });
  }

  @Test
  @DisplayName("a handoff shows a handoff frame between meta and the deltas")
  void handoff(VertxTestContext test) {
    String token = token();
    String sessionId = session(app, token, "sage");
    Future<List<JsonObject>> frames = connect(app, token).compose(chat -> chat.send(ChatClient.message("h", sessionId,
            "I have insomnia and can't sleep before 2am"))
        .compose(sent -> chat.reply("h")));
    check(test, frames, reply -> {
      assertStreamed(reply);
      assertEquals("sage", reply.get(0).getString("agentId"), "meta names the agent asked first");
      JsonObject handoff = reply.get(1);
      assertEquals("handoff", handoff.getString("type"));
      assertEquals("sage", handoff.getString("from"));
      assertEquals("wave", handoff.getString("to"));
      assertNotNull(handoff.getString("reason"));
      assertEquals("wave", last(reply).getString("agentId"));
    });
  }

  // ---- bad frames ----

  @Test
  @DisplayName("bad frames get error frames (with the requestId when readable) and the socket stays usable")
  void badFrames(VertxTestContext test) {
    String token = token();
    String sessionId = session(app, token, "volt");
    String closedId = session(app, token, null);
    assertEquals(204, http(app).delete("/api/v1/sessions/" + closedId, token).statusCode());
    String unknownId = UUID.randomUUID().toString();
    List<JsonObject> errors = new ArrayList<>();
    Future<List<JsonObject>> outcome = connect(app, token).compose(chat -> chat.sendText("not json")
        .compose(sent -> chat.frame(f -> fields(f).contains("frame") && f.encode().contains("not valid JSON"))).map(errors::add)
        .compose(ok -> chat.sendText("[1,2]"))
        .compose(sent -> chat.frame(f -> f.encode().contains("must be a JSON object"))).map(errors::add)
        .compose(ok -> chat.send(new JsonObject().put("type", "dance").put("requestId", "b-type")))
        .compose(sent -> chat.frame("error", "b-type")).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("b-fields", "nope", " ").put("agentId", 7)))
        .compose(sent -> chat.frame("error", "b-fields")).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("b-long", sessionId, "x".repeat(32_001))))
        .compose(sent -> chat.frame("error", "b-long")).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("r".repeat(129), sessionId, "hi")))
        .compose(sent -> chat.frame(f -> fields(f).contains("requestId"))).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("b-nul", sessionId, "a\u0000b")))
        .compose(sent -> chat.frame("error", "b-nul")).map(errors::add)
        .compose(ok -> chat.sendBinary(Buffer.buffer("{\"type\":\"ping\"}")))
        .compose(sent -> chat.frame(f -> Integer.valueOf(415).equals(f.getInteger("status")))).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("b-unknown", unknownId, "hi")))
        .compose(sent -> chat.frame("error", "b-unknown")).map(errors::add)
        .compose(ok -> chat.send(ChatClient.message("b-closed", closedId, "hi")))
        .compose(sent -> chat.frame("error", "b-closed")).map(errors::add)
        .compose(ok -> chat.send(new JsonObject().put("type", "ping")))
        .compose(sent -> chat.frame("pong", null))
        .compose(pong -> chat.send(ChatClient.message("b-ok", sessionId, "What pace is a 50 minute 10k?")))
        .compose(sent -> chat.reply("b-ok")));
    check(test, outcome, ok -> {
      assertStreamed(ok);
      int[] statuses = {400, 400, 400, 400, 400, 400, 400, 415, 404, 409};
      for (int i = 0; i < statuses.length; i++) {
        assertError(errors.get(i), statuses[i]);
      }
      assertNull(errors.get(0).getString("requestId"), "not JSON: no request id to tell");
      assertNull(errors.get(1).getString("requestId"));
      assertEquals(Set.of("type"), fields(errors.get(2)));
      assertEquals(Set.of("sessionId", "content", "agentId"), fields(errors.get(3)));
      assertEquals(Set.of("content"), fields(errors.get(4)));
      assertNull(errors.get(5).getString("requestId"), "a request id over 128 characters is not echoed");
      assertEquals(Set.of("content"), fields(errors.get(6)), "NUL cannot be stored");
      assertNull(errors.get(7).getString("requestId"));
      assertEquals("b-unknown", errors.get(8).getString("requestId"));
      assertEquals("b-closed", errors.get(9).getString("requestId"));
    });
  }

  @Test
  @DisplayName("a requestId already in flight is a 409, a ninth request in flight a 429; the others complete")
  void inFlightLimits(VertxTestContext test) {
    String token = token();
    String sessionId = session(paced, token, "stella");
    List<String> ids = IntStream.range(0, 8).mapToObj(i -> "f-" + i).toList();
    Future<List<Object>> outcome = connect(paced, token).compose(chat -> {
      Future<Void> sent = Future.succeededFuture();
      for (String id : ids) {
        sent = sent.compose(ok -> chat.send(ChatClient.message(id, sessionId, "How do I set a goal for my first marathon?")));
      }
      return sent.compose(ok -> chat.send(ChatClient.message("f-0", sessionId, "again")))
          .compose(ok -> chat.send(ChatClient.message("f-8", sessionId, "one too many")))
          .compose(ok -> Future.all(chat.frame("error", "f-0"), chat.frame("error", "f-8")))
          .compose(refusals -> Future.all(ids.stream().map(id -> chat.frame("done", id)).toList())
              .compose(done -> chat.all())
              .map(all -> List.of(refusals.resultAt(0), refusals.resultAt(1), all)));
    });
    check(test, outcome, results -> {
      assertError((JsonObject) results.get(0), 409);
      assertError((JsonObject) results.get(1), 429);
      @SuppressWarnings("unchecked")
      List<JsonObject> all = (List<JsonObject>) results.get(2);
      for (String id : ids) {
        assertStreamed(all.stream().filter(f -> id.equals(f.getString("requestId")) && !"error".equals(f.getString("type"))).toList());
      }
    });
  }

  @Test
  @DisplayName("a message over GENESIS_MAX_BODY_BYTES closes the socket with 1009 (message too big)")
  void tooBig(VertxTestContext test) {
    String token = token();
    String sessionId = session(app, token, null);
    Future<Short> status = connect(app, token).compose(chat -> chat.send(ChatClient.message("huge", sessionId, "x".repeat(70_000)))
        .compose(sent -> chat.closed()));
    check(test, status, code -> assertEquals((short) 1009, code));
  }

  // ---- closing, rate limiting ----

  @Test
  @DisplayName("a server shutting down closes idle sockets at once with 1001 (going away)")
  void shutdown(VertxTestContext test) {
    Genesis doomed = TestApp.start(dataDir);
    ChatClient chat = Await.result(connect(doomed, token()), java.time.Duration.ofSeconds(10));
    long started = System.nanoTime();
    doomed.close();
    long millis = (System.nanoTime() - started) / 1_000_000;
    check(test, chat.closed(), code -> {
      assertEquals((short) 1001, code);
      assertTrue(millis < 5_000, () -> "the shutdown waited " + millis + " ms for an idle socket");
    });
  }

  @Test
  @DisplayName("with GENESIS_DETACHED_REPLY_SECONDS=0, closing the socket mid-stream stores what was generated, marked partial")
  void partialOnClose(VertxTestContext test) {
    String token = token();
    String sessionId = session(paced, token, "nova");
    Future<List<Object>> outcome = connect(paced, token).compose(chat -> chat.send(ChatClient.message("c", sessionId,
            "Is creatine worth taking, and how much per day?"))
        .compose(sent -> chat.frame(f -> "delta".equals(f.getString("type"))))
        .compose(first -> chat.received("c"))
        .compose(sofar -> chat.close().map(sofar))
        .compose(sofar -> pollMessages(paced, token, sessionId, m -> "agent".equals(m.getString("role")), POLLS)
            .map(reply -> List.of(deltas(sofar), reply))));
    check(test, outcome, results -> {
      String received = (String) results.get(0);
      JsonObject reply = (JsonObject) results.get(1);
      assertTrue(reply.getBoolean("partial"), reply::encode);
      assertFalse(received.isEmpty());
      assertTrue(reply.getString("content").startsWith(received), () -> reply.getString("content") + " / " + received);
    });
  }

  @Test
  @DisplayName("every message frame counts against the rate limit: over it, an error frame 429 and the socket stays open")
  void rateLimited(VertxTestContext test) {
    String token = token();
    String sessionId = session(limited, token, "blaze"); // 1 of the limit
    Future<List<Object>> outcome = connect(limited, token) // 2
        .compose(chat -> chat.send(ChatClient.message("l-1", sessionId, "How many sets per week for legs?")) // 3
            .compose(sent -> chat.reply("l-1"))
            .compose(first -> chat.send(ChatClient.message("l-2", sessionId, "And for arms?"))) // 4
            .compose(sent -> chat.reply("l-2"))
            .compose(second -> chat.send(ChatClient.message("l-3", sessionId, "And for the back?")))
            .compose(sent -> chat.frame("error", "l-3"))
            .compose(refused -> chat.send(new JsonObject().put("type", "ping")).compose(sent -> chat.frame("pong", null))
                .map(refused))
            .compose(refused -> connect(limited, token).transform(again -> Future.succeededFuture(List.of(refused, again)))));
    check(test, outcome, results -> {
      JsonObject refused = (JsonObject) results.get(0);
      assertError(refused, 429);
      assertTrue(refused.getInteger("retryAfterSeconds") >= 1, refused::encode);
      assertProblem(rejected((AsyncResult<?>) results.get(1)), 429);
    });
  }
}
