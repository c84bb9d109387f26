package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real GENESIS process (a child JVM) with real SSE and WebSocket replies streaming from a
 * slow model: readiness and new requests get 503 at once, the streams run on for the grace, and those
 * still open then are stored as partial and end with an error; the process exits soon after.
 */
@DisplayName("SIGTERM drains live streams: they run on for GENESIS_SHUTDOWN_GRACE, then are stored partial and end with an error")
class ShutdownDrainTest {
  private static final int SSE_STREAMS = 8;
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private HttpClient streams;
  private WebSocketClient sockets;
  private ChildGenesis child;

  @BeforeEach
  void clients() {
    vertx = Vertx.vertx();
    streams = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(SSE_STREAMS + 2));
    sockets = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    if (child != null) {
      child.close();
    }
    Await.result(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("streams still open when the 2 s grace ends: each is stored partial and ends with error + retryAfterSeconds (WebSocket: then 1001)")
  void cutAtTheEndOfTheGrace() {
    // 300 tokens at 10 a second: 30 s replies, far longer than the grace
    Live live = startStreaming(FakeUpstreamOptions.defaults().withPort(0).withTtftMillis(200).withTokensPerSecond(10).withTokens(300), "2s");
    Http http = new Http(vertx, child.port());
    long sigterm = System.nanoTime();
    child.terminate();

    assertEquals(503, statusWithin(http, "/health/ready", 503, Duration.ofSeconds(2)), "readiness turns 503 at once");
    HttpResponse<Buffer> refused = http.post("/api/v1/sessions", live.token(), new JsonObject());
    assertEquals(503, refused.statusCode(), refused::bodyAsString);
    assertEquals("1", refused.getHeader("Retry-After"));
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    assertEquals(200, http.get("/health/live", null).statusCode(), "alive while draining");
    live.socket().send(ChatClient.message("ws-2", live.wsSession(), "One more question"));
    JsonObject wsRefused = Await.result(live.socket().frame("error", "ws-2"), Duration.ofSeconds(5));
    assertEquals(503, wsRefused.getInteger("status"), wsRefused::encode);
    assertFalse(live.sse().stream().anyMatch(s -> s.ended().future().isComplete()), "the streams run on meanwhile");

    assertTrue(child.exited(Duration.ofSeconds(2 + 5)), "exits within the grace plus 5 s:\n" + child.output());
    long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
    assertEquals(0, child.exitValue(), child::output);
    for (SseReply reply : live.sse()) {
      String body = Await.result(reply.ended().future(), Duration.ofSeconds(5));
      SseEvents events = SseEvents.parse(body);
      assertEquals("error", events.names().get(events.names().size() - 1), () -> "ends with an error event: " + events.names());
      JsonObject error = events.first("error");
      assertEquals(503, error.getInteger("status"), error::encode);
      assertTrue(error.getInteger("retryAfterSeconds", 0) >= 1, error::encode);
      assertTrue(events.named("done").isEmpty());
      long ranOnMillis = (reply.endedAt() - sigterm) / 1_000_000;
      assertTrue(ranOnMillis >= 1_500, "ran on for the grace, not cut at once: " + ranOnMillis + " ms");
    }
    JsonObject wsError = Await.result(live.socket().frame("error", "ws-1"), Duration.ofSeconds(5));
    assertTrue(wsError.getInteger("retryAfterSeconds", 0) >= 1, wsError::encode);
    assertEquals((short) 1001, Await.result(live.socket().closed(), Duration.ofSeconds(5)));
    assertTrue(exitMillis < 7_000, "exited after " + exitMillis + " ms");
    String openAi = Await.result(live.openAi().ended().future(), Duration.ofSeconds(5));
    assertTrue(openAi.contains("data: {\"error\":{") && openAi.contains("\"service_unavailable\"") && !openAi.contains("[DONE]"),
        () -> "the OpenAI stream ends with an error chunk: " + openAi.substring(Math.max(0, openAi.length() - 400)));

    // the same database, read by a GENESIS started again on the same data dir
    try (Genesis again = TestApp.start(dataDir)) {
      Http after = new Http(vertx, again.httpPort());
      for (SseReply reply : live.sse()) {
        assertStoredPartial(after, live.token(), reply.sessionId(), SseEvents.parse(reply.ended().future().result()).deltaText());
      }
      String wsText = String.join("", Await.result(live.socket().received("ws-1"), Duration.ofSeconds(5)).stream()
          .filter(f -> "delta".equals(f.getString("type"))).map(f -> f.getString("text")).toList());
      assertStoredPartial(after, live.token(), live.wsSession(), wsText);
    }
  }

  @Test
  @DisplayName("streams that finish within the grace (11 s replies, 20 s grace) end with done; the process exits without waiting out the grace")
  void finishWithinTheGrace() {
    // 22 tokens at 2 a second: 11 s replies, longer than any fixed drain of 10 s, within the 20 s grace
    Live live = startStreaming(FakeUpstreamOptions.defaults().withPort(0).withTtftMillis(100).withTokensPerSecond(2).withTokens(22), "20s");
    long sigterm = System.nanoTime();
    child.terminate();

    for (SseReply reply : live.sse()) {
      SseEvents events = SseEvents.parse(Await.result(reply.ended().future(), Duration.ofSeconds(20)));
      JsonObject done = events.first("done");
      assertFalse(done.getBoolean("partial"), done::encode);
      assertTrue(events.named("error").isEmpty(), events::toString);
    }
    JsonObject wsDone = Await.result(live.socket().frame("done", "ws-1"), Duration.ofSeconds(10));
    assertFalse(wsDone.getBoolean("partial"), wsDone::encode);
    assertEquals((short) 1001, Await.result(live.socket().closed(), Duration.ofSeconds(5)));
    assertTrue(child.exited(Duration.ofSeconds(20)), "exits once the streams are done:\n" + child.output());
    long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
    assertTrue(exitMillis < 16_000, "did not wait out the 20 s grace: " + exitMillis + " ms");
  }

  /** The newest message of the session is the agent's, marked partial, holding what the client was sent. */
  private static void assertStoredPartial(Http http, String token, String sessionId, String sent) {
    JsonArray items = http.messages(token, sessionId);
    JsonObject reply = items.getJsonObject(0);
    assertEquals("agent", reply.getString("role"), items::encode);
    assertTrue(reply.getBoolean("partial"), reply::encode);
    assertFalse(sent.isEmpty());
    assertTrue(reply.getString("content").startsWith(sent), () -> "stored '" + reply.getString("content") + "', sent '" + sent + "'");
  }

  private record SseReply(String sessionId, Promise<Void> firstDelta, Promise<String> ended, long[] endedAtNanos) {
    long endedAt() {
      return endedAtNanos[0];
    }
  }

  private record Live(String token, List<SseReply> sse, ChatClient socket, String wsSession, SseReply openAi) {}

  /** The fake model, the child GENESIS before it, and {@link #SSE_STREAMS} SSE replies plus one WebSocket reply, each past its first delta. */
  private Live startStreaming(FakeUpstreamOptions model, String grace) {
    FakeUpstream upstream = Await.result(FakeUpstream.start(vertx, model), Duration.ofSeconds(10));
    TestServices.Urls urls = TestServices.get();
    Map<String, String> env = new HashMap<>();
    env.put("GENESIS_HTTP_PORT", "0");
    env.put("GENESIS_DATA_DIR", dataDir.toString());
    env.put("GENESIS_JWT_SECRET", TestApp.SECRET);
    env.put("GENESIS_ENCRYPTION_KEY", TestApp.ENCRYPTION_KEY);
    env.put("GENESIS_DEV_TOKENS", "true");
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", "1000000");
    env.put("GENESIS_PG_URL", urls.pgUrl());
    env.put("GENESIS_REDIS_URL", urls.redisUrl());
    env.put("GENESIS_MODEL_BASE_URL", upstream.baseUrl());
    env.put("GENESIS_MODEL_NAME", "coach-7b");
    env.put("GENESIS_SHUTDOWN_GRACE", grace);
    env.put("GENESIS_LOG_FORMAT", "text");
    child = ChildGenesis.start(dataDir, env, START);
    Http http = new Http(vertx, child.port());
    String token = http.token("drain-" + System.nanoTime());
    List<SseReply> replies = new ArrayList<>();
    for (int i = 0; i < SSE_STREAMS; i++) {
      replies.add(openSse(child.port(), token, http.newSession(token, null)));
    }
    String wsSession = http.newSession(token, null);
    ChatClient socket = Await.result(ChatClient.connect(sockets, child.port(), "/api/v1/ws", token), Duration.ofSeconds(10));
    socket.send(ChatClient.message("ws-1", wsSession, "Plan my training week"));
    SseReply openAi = openStream(child.port(), token, null, "/v1/chat/completions", new JsonObject().put("model", "blaze")
        .put("stream", true).put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Plan my training week"))),
        "\"content\":\"");
    List<Future<?>> started = new ArrayList<>(replies.stream().map(r -> r.firstDelta().future()).toList());
    started.add(socket.frame("delta", "ws-1"));
    started.add(openAi.firstDelta().future());
    Await.result(Future.all(started), Duration.ofSeconds(30));
    return new Live(token, replies, socket, wsSession, openAi);
  }

  private SseReply openSse(int port, String token, String sessionId) {
    return openStream(port, token, sessionId, "/api/v1/sessions/" + sessionId + "/messages",
        new JsonObject().put("content", "Plan my training week"), "event: delta");
  }

  /** POSTs {@code body} as an event stream; its first delta is the first chunk holding {@code deltaMark}. */
  private SseReply openStream(int port, String token, String sessionId, String uri, JsonObject body, String deltaMark) {
    SseReply reply = new SseReply(sessionId, Promise.promise(), Promise.promise(), new long[1]);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(uri)
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    streams.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .onFailure(failed -> reply.ended().tryFail(failed))
        .onSuccess(response -> {
          StringBuilder text = new StringBuilder();
          response.handler(chunk -> {
            text.append(chunk.toString());
            if (text.indexOf(deltaMark) >= 0) {
              reply.firstDelta().tryComplete();
            }
          });
          response.endHandler(end -> {
            reply.endedAtNanos()[0] = System.nanoTime();
            reply.ended().tryComplete(text.toString());
          });
          response.exceptionHandler(failed -> reply.ended().tryComplete(text + "\n[connection failed: " + failed + "]"));
        });
    return reply;
  }

  /** Polls {@code path} every 20 ms until it answers {@code wanted}, at most {@code within}; answers the last status. */
  private int statusWithin(Http http, String path, int wanted, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    int status = http.get(path, null).statusCode();
    while (status != wanted && System.nanoTime() < deadline) {
      Await.result(vertx.timer(20, TimeUnit.MILLISECONDS), Duration.ofSeconds(1));
      status = http.get(path, null).statusCode();
    }
    return status;
  }
}
