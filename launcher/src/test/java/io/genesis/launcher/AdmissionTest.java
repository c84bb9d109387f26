package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
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
}
