package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
  private WebClient web;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", TOKEN_DELAY_MILLIS));
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    web = WebClient.create(clientVertx);
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private String session(String token, String agentId) {
    HttpResponse<Buffer> created = http.post("/api/v1/sessions", token, new JsonObject().put("agentId", agentId));
    assertEquals(201, created.statusCode(), created::bodyAsString);
    return created.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> stream(String token, String sessionId, String content) {
    return http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), SSE);
  }

  private JsonArray messages(String token, String sessionId) {
    return http.get("/api/v1/sessions/" + sessionId + "/messages", token).bodyAsJsonObject().getJsonArray("items");
  }

  @Test
  @DisplayName("the reply arrives token by token: meta, many deltas, done with the stored reply that the deltas add up to")
  void tokenByToken() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = session(token, "volt");
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
    JsonArray stored = messages(token, id);
    assertEquals(done.getString("id"), stored.getJsonObject(0).getString("id"));
    assertEquals(events.first("meta").getString("userMessageId"), stored.getJsonObject(1).getString("id"));
  }

  @Test
  @DisplayName("a handoff shows as a handoff event before the first delta; the new agent answers and the session remembers it")
  void handoff() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = session(token, "sage");
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
  @DisplayName("a client that hangs up mid-reply stops the agent; what was generated is stored, marked partial")
  void partialOnDisconnect() {
    String token = http.token("u-" + UUID.randomUUID());
    String id = session(token, "volt");
    String content = "I ran 10k in 50:00, what pace is that?";
    int deltasSeen = Await.result(hangUpAfterDeltas(token, id, content, 3), Duration.ofSeconds(30));
    assertTrue(deltasSeen >= 3);
    JsonObject partial = Await.result(agentMessage(token, id, 100), Duration.ofSeconds(30));
    assertTrue(partial.getBoolean("partial"), partial::encode);
    String full = SseEvents.parse(stream(token, session(token, "volt"), content).bodyAsString()).first("done").getString("content");
    String cut = partial.getString("content");
    assertFalse(cut.isEmpty());
    assertTrue(cut.length() < full.length() && full.startsWith(cut), "partial: '" + cut + "'\nfull: '" + full + "'");
  }

  /** Sends a message as SSE and closes the connection once {@code deltas} delta events came in. */
  private Future<Integer> hangUpAfterDeltas(String token, String sessionId, String content, int deltas) {
    HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultPort(genesis.httpPort()));
    Promise<Integer> hungUp = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setURI("/api/v1/sessions/" + sessionId + "/messages")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    client.request(options)
        .compose(request -> request.send(new JsonObject().put("content", content).toBuffer()))
        .onFailure(hungUp::tryFail)
        .onSuccess(response -> {
          StringBuilder body = new StringBuilder();
          response.handler(chunk -> {
            body.append(chunk.toString());
            int seen = SseEvents.parse(body.toString()).named("delta").size();
            if (seen >= deltas && hungUp.tryComplete(seen)) {
              response.request().connection().close();
            }
          });
        });
    return hungUp.future().eventually(client::close);
  }

  /** The newest agent message of the session, once stored: polled a bounded number of times, 20 ms apart. */
  private Future<JsonObject> agentMessage(String token, String sessionId, int attempts) {
    return web.get(genesis.httpPort(), "127.0.0.1", "/api/v1/sessions/" + sessionId + "/messages")
        .bearerTokenAuthentication(token).send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("items")).compose(items -> {
      JsonObject newest = items.isEmpty() ? null : items.getJsonObject(0);
      if (newest != null && "agent".equals(newest.getString("role"))) {
        return Future.succeededFuture(newest);
      }
      if (attempts == 0) {
        return Future.failedFuture(new AssertionError("no agent message stored: " + items.encode()));
      }
      Promise<JsonObject> later = Promise.promise();
      clientVertx.setTimer(20, t -> agentMessage(token, sessionId, attempts - 1).onComplete(later));
      return later.future();
    });
  }
}
