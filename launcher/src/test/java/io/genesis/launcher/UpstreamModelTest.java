package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Replies from an OpenAI-compatible upstream, through the gateway")
class UpstreamModelTest {
  private static final Map<String, String> SSE = Map.of("Content-Type", "application/json", "Accept", "text/event-stream");

  @TempDir
  Path dataDir;

  private Vertx clientVertx;
  private FakeUpstream fake;
  private Genesis genesis;
  private Http http;

  @BeforeEach
  void client() {
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (genesis != null) {
      genesis.close();
    }
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
  }

  /** Starts the fake upstream, then GENESIS pointed at it with {@code settings} on top. */
  private void start(FakeUpstreamOptions options, Map<String, String> settings) {
    fake = Await.result(FakeUpstream.start(clientVertx, options), Duration.ofSeconds(10));
    Map<String, String> env = new HashMap<>(settings);
    env.put("GENESIS_MODEL_BASE_URL", fake.baseUrl());
    env.put("GENESIS_MODEL_NAME", "coach-7b");
    genesis = TestApp.start(dataDir, env);
    http = new Http(clientVertx, genesis.httpPort());
  }

  private HttpResponse<Buffer> send(String token, String sessionId, String content, Map<String, String> headers) {
    return http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), headers);
  }

  @Test
  @DisplayName("the reply streams from the upstream; the next message sends the conversation so far, after the agent's system prompt")
  void streamsWithHistory() {
    start(FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(12), Map.of());
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "blaze");
    SseEvents first = SseEvents.parse(send(token, id, "How do I squat deeper?", SSE).bodyAsString());
    // as fast as possible: the tokens that arrive together go out together, never more deltas than tokens
    int deltas = first.named("delta").size();
    assertTrue(deltas >= 1 && deltas <= 12, "deltas: " + deltas);
    assertEquals(FakeUpstream.text(12), first.first("done").getString("content"));

    SseEvents second = SseEvents.parse(send(token, id, "And my knees?", SSE).bodyAsString());
    assertEquals("done", second.names().get(second.names().size() - 1));
    JsonArray sent = fake.lastRequest().getJsonArray("messages");
    assertEquals(List.of("system", "user", "assistant", "user"),
        sent.stream().map(m -> ((JsonObject) m).getString("role")).toList());
    assertTrue(sent.getJsonObject(0).getString("content").startsWith("You are BLAZE"));
    assertEquals("How do I squat deeper?", sent.getJsonObject(1).getString("content"));
    assertEquals(FakeUpstream.text(12), sent.getJsonObject(2).getString("content"));
    assertEquals("And my knees?", sent.getJsonObject(3).getString("content"));
    assertEquals("coach-7b", fake.lastRequest().getString("model"));
  }

  @Test
  @DisplayName("the model is told the caller's profile in its system prompt, with a figure stated in the message laid over it; that figure is offered as profile_suggestion, not stored")
  void profileInTheSystemPrompt() {
    start(FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(4), Map.of());
    String token = http.token("u-" + UUID.randomUUID());
    assertEquals(200, http.send(HttpMethod.PUT, "/api/v1/me/profile", token, new JsonObject().put("age", 30)
        .put("sex", "male").put("heightCm", 180).put("weightKg", 80).toBuffer(), Map.of("Content-Type", "application/json"))
        .statusCode());
    String id = http.newSession(token, "sage");
    SseEvents reply = SseEvents.parse(send(token, id, "I'm 82 kg now. How many calories should I eat?", SSE).bodyAsString());
    assertEquals("done", reply.names().get(reply.names().size() - 1), reply.names()::toString);
    String system = fake.lastRequest().getJsonArray("messages").getJsonObject(0).getString("content");
    assertTrue(system.contains("The person's profile (use these figures instead of asking for them): age 30, sex male, "
        + "height 180 cm, weight 82 kg."), system);
    assertEquals(82.0, reply.first("profile_suggestion").getJsonObject("patch").getDouble("weightKg"), reply.names()::toString);
    assertEquals(80.0, http.get("/api/v1/me/profile", token).bodyAsJsonObject().getDouble("weightKg"), "not stored");
  }

  @Test
  @DisplayName("a client that hangs up mid-reply and stays away past GENESIS_DETACHED_REPLY_SECONDS cancels the upstream call, which sees its connection close; the partial reply is stored")
  void cancelOnDisconnect() {
    start(FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(100).withTokens(500),
        Map.of("GENESIS_DETACHED_REPLY_SECONDS", "1"));
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "blaze");
    SseClient sse = new SseClient(clientVertx, genesis.httpPort());
    Await.result(sse.hangUpAfterDeltas(clientVertx.createHttpClient(), token, id, "How do I squat deeper?", 3), Duration.ofSeconds(30));
    Await.result(fake.cancelled().atLeast(1), Duration.ofSeconds(30));
    JsonObject reply = Await.result(sse.agentMessage(token, id, 200), Duration.ofSeconds(30));
    assertTrue(reply.getBoolean("partial"));
    String cut = reply.getString("content");
    assertFalse(cut.isEmpty());
    assertTrue(FakeUpstream.text(500).startsWith(cut) && cut.length() < FakeUpstream.text(500).length(), cut);
    assertEquals(0, fake.completed().get(), "the upstream never finished the cancelled answer");
  }

  @Test
  @DisplayName("too many upstream calls at once: a fast 503 with Retry-After, and nothing stored for the refused message")
  void bulkheadFull() {
    start(FakeUpstreamOptions.defaults().withHangRate(1.0),
        Map.of("GENESIS_MODEL_MAX_CONCURRENT", "1", "GENESIS_MODEL_MAX_RETRIES", "0"));
    String token = http.token("u-" + UUID.randomUUID());
    String busy = http.newSession(token, "blaze");
    // The first call holds the only slot: the upstream never answers it.
    HttpClient firstClient = clientVertx.createHttpClient();
    Future<Integer> first = new SseClient(clientVertx, genesis.httpPort())
        .hangUpAfterDeltas(firstClient, token, busy, "How do I squat deeper?", 1);
    Await.result(fake.requests().atLeast(1), Duration.ofSeconds(30));
    String refusedSession = http.newSession(token, "blaze");
    HttpResponse<Buffer> refused = send(token, refusedSession, "How do I squat deeper?", Map.of("Content-Type", "application/json"));
    assertEquals(503, refused.statusCode(), refused::bodyAsString);
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    assertNotNull(refused.getHeader("Retry-After"));
    assertEquals(0, http.messages(token, refusedSession).size(), "the refused message is not stored");
    HttpResponse<Buffer> refusedStream = send(token, refusedSession, "How do I squat deeper?", SSE);
    assertEquals(503, refusedStream.statusCode(), "a refusal comes before the event stream starts");
    assertFalse(first.isComplete(), "the first call is still waiting on the upstream");
    Await.result(firstClient.close(), Duration.ofSeconds(10));
    Await.result(fake.cancelled().atLeast(1), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a failing upstream opens the breaker: 503 with Retry-After at once, without calling the upstream again")
  void breakerOpens() {
    start(FakeUpstreamOptions.defaults().withFailFirst(1_000),
        Map.of("GENESIS_MODEL_BREAKER_FAILURES", "2", "GENESIS_MODEL_MAX_RETRIES", "0"));
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "blaze");
    Map<String, String> json = Map.of("Content-Type", "application/json");
    assertEquals(502, send(token, id, "one", json).statusCode());
    assertEquals(502, send(token, id, "two", json).statusCode());
    int calls = fake.requests().get();
    HttpResponse<Buffer> open = send(token, id, "three", json);
    assertEquals(503, open.statusCode(), open::bodyAsString);
    assertTrue(Integer.parseInt(open.getHeader("Retry-After")) >= 1);
    assertTrue(open.bodyAsJsonObject().getString("detail").contains("the model service is unavailable"), open.bodyAsString());
    assertEquals(calls, fake.requests().get(), "an open breaker does not call the upstream");
  }

  @Test
  @DisplayName("with GENESIS_MODEL_FALLBACK=offline, an open breaker sends replies to the offline coach instead")
  void fallbackToOffline() {
    start(FakeUpstreamOptions.defaults().withFailFirst(1_000), Map.of("GENESIS_MODEL_BREAKER_FAILURES", "1",
        "GENESIS_MODEL_MAX_RETRIES", "0", "GENESIS_MODEL_FALLBACK", "offline"));
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "volt");
    Map<String, String> json = Map.of("Content-Type", "application/json");
    assertEquals(502, send(token, id, "I ran 10k in 50:00, what pace is that?", json).statusCode());
    HttpResponse<Buffer> fallback = send(token, id, "I ran 10k in 50:00, what pace is that?", json);
    assertEquals(201, fallback.statusCode(), fallback::bodyAsString);
    assertTrue(fallback.bodyAsJsonObject().getJsonObject("reply").getString("content").contains("pace 5:00 min/km"));
  }
}
