package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Load shedding: past the requests a gateway holds in flight, new ones get 503 + Retry-After at once")
class AdmissionTest {
  private static final int SENT = 200;

  @TempDir
  Path dataDir;

  private final Vertx clientVertx = Vertx.vertx();
  private Genesis genesis;

  @AfterEach
  void stop() {
    if (genesis != null) {
      genesis.close();
    }
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("200 messages at once while the model takes 3 s: the excess is refused with 503 + Retry-After before any admitted one is answered")
  void excessRefusedWhileAdmittedWait() {
    FakeUpstream fake = Await.result(FakeUpstream.start(clientVertx,
        FakeUpstreamOptions.defaults().withPort(0).withTtftMillis(3_000).withTokensPerSecond(0).withTokens(4)), Duration.ofSeconds(10));
    genesis = TestApp.start(dataDir, Map.of("GENESIS_MODEL_BASE_URL", fake.baseUrl(), "GENESIS_MODEL_NAME", "coach-7b",
        "GENESIS_MODEL_MAX_CONCURRENT", "5000", "GENESIS_MODEL_MAX_RETRIES", "0"));
    Http http = new Http(clientVertx, genesis.httpPort());
    String token = http.token("u-" + UUID.randomUUID());
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < SENT; i++) {
      sessions.add(http.newSession(token, "blaze"));
    }
    WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(genesis.httpPort()), new PoolOptions().setHttp1MaxSize(SENT));
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refusedBeforeAnyAdmitted = new AtomicInteger();
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (String id : sessions) {
      sent.add(client.post("/api/v1/sessions/" + id + "/messages").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("content", "hello"))
          .onSuccess(response -> {
            if (response.statusCode() == 503 && answered.get() == 0) {
              refusedBeforeAnyAdmitted.incrementAndGet();
            } else if (response.statusCode() != 503) {
              answered.incrementAndGet();
            }
          }));
    }
    Await.result(Future.join(sent), Duration.ofSeconds(60));
    List<HttpResponse<Buffer>> responses = sent.stream().map(Future::result).toList();
    long refused = responses.stream().filter(r -> r.statusCode() == 503).count();
    assertTrue(refused > 0, "none refused");
    assertEquals(refused, refusedBeforeAnyAdmitted.get(), "a refusal came after an admitted request was answered");
    for (HttpResponse<Buffer> response : responses) {
      if (response.statusCode() == 503) {
        assertEquals("1", response.getHeader("Retry-After"));
        assertEquals("application/problem+json", response.getHeader("Content-Type"));
      } else {
        assertEquals(201, response.statusCode(), response.bodyAsString());
      }
    }
  }

  @Test
  @DisplayName("GENESIS_MAX_REQUESTS_IN_FLIGHT=3, 10 messages at once while the model takes 3 s: 3 are answered 201, 7 get 503 + Retry-After before any of them")
  void processBoundOnRequests() {
    FakeUpstream fake = Await.result(FakeUpstream.start(clientVertx,
        FakeUpstreamOptions.defaults().withPort(0).withTtftMillis(3_000).withTokensPerSecond(0).withTokens(4)), Duration.ofSeconds(10));
    genesis = TestApp.start(dataDir, Map.of("GENESIS_MODEL_BASE_URL", fake.baseUrl(), "GENESIS_MODEL_NAME", "coach-7b",
        "GENESIS_MODEL_MAX_CONCURRENT", "5000", "GENESIS_MODEL_MAX_RETRIES", "0", "GENESIS_MAX_REQUESTS_IN_FLIGHT", "3"));
    Http http = new Http(clientVertx, genesis.httpPort());
    String token = http.token("u-" + UUID.randomUUID());
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sessions.add(http.newSession(token, "blaze"));
    }
    WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(genesis.httpPort()), new PoolOptions().setHttp1MaxSize(10));
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refusedBeforeAnyAdmitted = new AtomicInteger();
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (String id : sessions) {
      sent.add(client.post("/api/v1/sessions/" + id + "/messages").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("content", "hello"))
          .onSuccess(response -> {
            if (response.statusCode() == 503 && answered.get() == 0) {
              refusedBeforeAnyAdmitted.incrementAndGet();
            } else if (response.statusCode() != 503) {
              answered.incrementAndGet();
            }
          }));
    }
    Await.result(Future.join(sent), Duration.ofSeconds(60));
    List<HttpResponse<Buffer>> responses = sent.stream().map(Future::result).toList();
    assertEquals(3, responses.stream().filter(r -> r.statusCode() == 201).count(), () -> statuses(responses));
    assertEquals(7, refusedBeforeAnyAdmitted.get(), () -> "refused before any admitted one was answered: " + statuses(responses));
    responses.stream().filter(r -> r.statusCode() == 503).forEach(AdmissionTest::assertBusy);
    assertEquals(201, http.post("/api/v1/sessions/" + sessions.get(0) + "/messages", token,
        new JsonObject().put("content", "and now?")).statusCode(), "admitted again once they ended");
  }

  @Test
  @DisplayName("GENESIS_MAX_STREAMS_IN_FLIGHT=2, two SSE replies streaming (8 s each): a third SSE reply gets 503 + Retry-After, a WebSocket message an error frame 503, a JSON message is answered; once they end, streams are admitted again")
  void processBoundOnStreams() {
    FakeUpstream fake = Await.result(FakeUpstream.start(clientVertx,
        FakeUpstreamOptions.defaults().withPort(0).withTtftMillis(100).withTokensPerSecond(1).withTokens(8)), Duration.ofSeconds(10));
    genesis = TestApp.start(dataDir, Map.of("GENESIS_MODEL_BASE_URL", fake.baseUrl(), "GENESIS_MODEL_NAME", "coach-7b",
        "GENESIS_MODEL_MAX_CONCURRENT", "5000", "GENESIS_MODEL_MAX_RETRIES", "0", "GENESIS_MAX_STREAMS_IN_FLIGHT", "2"));
    Http http = new Http(clientVertx, genesis.httpPort());
    String token = http.token("u-" + UUID.randomUUID());
    HttpClient streams = clientVertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(8));
    List<Future<Buffer>> bodies = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Sse stream = Await.result(sse(streams, token, http.newSession(token, "blaze")), Duration.ofSeconds(30));
      assertEquals(200, stream.response().statusCode());
      bodies.add(stream.body());
    }

    Sse third = Await.result(sse(streams, token, http.newSession(token, "blaze")), Duration.ofSeconds(30));
    Buffer refusedBody = Await.result(third.body(), Duration.ofSeconds(30));
    assertEquals(503, third.response().statusCode(), refusedBody::toString);
    assertEquals("1", third.response().getHeader("Retry-After"));
    assertEquals("application/problem+json", third.response().getHeader("Content-Type"));
    ChatClient socket = Await.result(ChatClient.connect(clientVertx.createWebSocketClient(), genesis.httpPort(),
        "/api/v1/ws", token), Duration.ofSeconds(10));
    socket.send(ChatClient.message("ws-1", http.newSession(token, "blaze"), "hello"));
    JsonObject wsRefused = Await.result(socket.frame("error", "ws-1"), Duration.ofSeconds(30));
    assertEquals(503, wsRefused.getInteger("status"), wsRefused::encode);
    assertTrue(wsRefused.getInteger("retryAfterSeconds", 0) >= 1, wsRefused::encode);
    assertTrue(bodies.stream().noneMatch(Future::isComplete), "the two streams were still running meanwhile");
    HttpResponse<Buffer> json = http.post("/api/v1/sessions/" + http.newSession(token, "blaze") + "/messages", token,
        new JsonObject().put("content", "hello"));
    assertEquals(201, json.statusCode(), "a JSON answer is not a stream: " + json.bodyAsString());

    for (Future<Buffer> body : bodies) {
      SseEvents events = SseEvents.parse(Await.result(body, Duration.ofSeconds(60)).toString());
      assertEquals(1, events.named("done").size(), events::toString);
    }
    Sse again = Await.result(sse(streams, token, http.newSession(token, "blaze")), Duration.ofSeconds(30));
    assertEquals(200, again.response().statusCode());
    assertEquals(1, SseEvents.parse(Await.result(again.body(), Duration.ofSeconds(60)).toString()).named("done").size());
    socket.send(ChatClient.message("ws-2", http.newSession(token, "blaze"), "hello"));
    Await.result(socket.frame("done", "ws-2"), Duration.ofSeconds(60));
  }

  /** A streamed reply's head, and its whole body once it ends (asked for as the head came, so nothing is missed). */
  private record Sse(HttpClientResponse response, Future<Buffer> body) {}

  private Future<Sse> sse(HttpClient client, String token, String sessionId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(genesis.httpPort())
        .setURI("/api/v1/sessions/" + sessionId + "/messages")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    return client.request(options).compose(request -> request.send(new JsonObject().put("content", "hello").toBuffer()))
        .map(response -> new Sse(response, response.body()));
  }

  private static void assertBusy(HttpResponse<Buffer> response) {
    assertEquals("1", response.getHeader("Retry-After"));
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
  }

  private static String statuses(List<HttpResponse<Buffer>> responses) {
    return responses.stream().map(r -> Integer.toString(r.statusCode())).toList().toString();
  }
}
