package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Streamed replies over SSE: token by token, handoffs, partial replies on disconnect")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingTest {
  private static final Map<String, String> SSE = Map.of("Content-Type", "application/json", "Accept", "text/event-stream",
      "Accept-Encoding", "gzip, br");
  /** Paced, so that a reply takes long enough (tens of tokens × this) to hang up in the middle of it. */
  private static final String TOKEN_DELAY_MILLIS = "10";

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;

  @BeforeAll
  void start() {
    // A reply whose client left stops at once here (the default keeps it generating: ResumeTest covers that).
    genesis = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", TOKEN_DELAY_MILLIS, "GENESIS_DETACHED_REPLY_SECONDS", "0"));
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private HttpResponse<Buffer> stream(String token, String sessionId, String content) {
    return http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), SSE);
  }

  @Test
  @DisplayName("the reply arrives token by token: meta, many deltas, done with the stored reply that the deltas add up to")
  void tokenByToken() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "volt");
    HttpResponse<Buffer> response = stream(token, id, "I ran 10k in 50:00, what pace is that?");
    assertEquals(200, response.statusCode());
    assertEquals("no", response.getHeader("X-Accel-Buffering"));
    String encoding = response.getHeader("Content-Encoding");
    assertTrue(encoding == null || encoding.equals("identity"), "SSE is never compressed: " + encoding);
    SseEvents events = SseEvents.parse(response.bodyAsString());
    assertTrue(events.startsWithComment(), "a keep-alive comment goes out before the first token");
    List<String> names = events.names();
    assertEquals("meta", names.get(0));
    assertEquals("done", names.get(names.size() - 1));
    assertTrue(events.named("delta").size() > 10, "deltas: " + events.named("delta").size());
    JsonObject done = events.first("done");
    assertEquals(events.deltaText(), done.getString("content"));
    assertTrue(done.getString("content").contains("pace 5:00 min/km"), done.getString("content"));
    assertFalse(done.getBoolean("partial"));
    assertEquals("volt", events.first("meta").getString("agentId"));
    JsonArray stored = http.messages(token, id);
    assertEquals(done.getString("id"), stored.getJsonObject(0).getString("id"));
    assertEquals(events.first("meta").getString("userMessageId"), stored.getJsonObject(1).getString("id"));
  }

  @Test
  @DisplayName("a handoff shows as a handoff event before the first delta; the new agent answers and the session remembers it")
  void handoff() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "sage");
    SseEvents events = SseEvents.parse(stream(token, id, "I have insomnia and can't sleep before 2am").bodyAsString());
    List<String> names = events.names();
    assertEquals(List.of("meta", "handoff", "delta"), names.subList(0, 3));
    JsonObject handoff = events.first("handoff");
    assertEquals("sage", handoff.getString("from"));
    assertEquals("wave", handoff.getString("to"));
    assertFalse(handoff.getString("reason").isBlank());
    assertEquals("sage", events.first("meta").getString("agentId"), "meta names the agent asked first");
    assertEquals("wave", events.first("done").getString("agentId"));
    assertEquals("wave", http.get("/api/v1/sessions/" + id, token).bodyAsJsonObject().getString("agentId"));
  }

  @Test
  @DisplayName("with GENESIS_DETACHED_REPLY_SECONDS=0, a client that hangs up mid-reply stops the agent; what was generated is stored, marked partial")
  void partialOnDisconnect() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = http.newSession(token, "volt");
    String content = "I ran 10k in 50:00, what pace is that?";
    SseClient sse = new SseClient(clientVertx, genesis.httpPort());
    HttpClient client = clientVertx.createHttpClient();
    int deltasSeen = Await.result(sse.hangUpAfterDeltas(client, token, id, content, 3), Duration.ofSeconds(30));
    assertTrue(deltasSeen >= 3);
    JsonObject partial = Await.result(sse.agentMessage(token, id, 100), Duration.ofSeconds(30));
    assertTrue(partial.getBoolean("partial"), partial::encode);
    String full = SseEvents.parse(stream(token, http.newSession(token, "volt"), content).bodyAsString()).first("done").getString("content");
    String cut = partial.getString("content");
    assertFalse(cut.isEmpty());
    assertTrue(cut.length() < full.length() && full.startsWith(cut), "partial: '" + cut + "'\nfull: '" + full + "'");
  }
}
