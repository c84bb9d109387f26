package io.genesis.gateway.ratelimit;

import static io.genesis.gateway.ratelimit.Gateways.admitted;
import static io.genesis.gateway.ratelimit.Gateways.await;
import static io.genesis.gateway.ratelimit.Gateways.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.EmbeddedServices;
import io.genesis.gateway.ratelimit.Gateways.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the README promises when the gateway's Redis is down, and when it is connected but silent. */
@DisplayName("Rate limiting with Redis down: per instance when refused, 503 when connected but silent")
class RateLimitRedisDownTest {
  private static final int LIMIT = 30;

  @TempDir
  Path dir;

  private Vertx clientVertx;
  private WebClient client;
  private Gateway gateway;

  @BeforeEach
  void client() {
    clientVertx = Vertx.vertx();
    client = Gateways.client(clientVertx);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    await(clientVertx.close());
  }

  private List<HttpResponse<Buffer>> burst(int count, String token) {
    return Gateways.fire(count, i -> Gateways.probe(client, gateway, token));
  }

  private String token() {
    return Gateways.token(clientVertx, "rl-" + UUID.randomUUID());
  }

  /** The checks readiness names as failing (the gateway runs alone here, so the services always fail). */
  private List<Object> notReady() {
    HttpResponse<Buffer> ready = await(client.get(gateway.port(), "127.0.0.1", "/health/ready").send());
    assertEquals(503, ready.statusCode(), "no session or agent service in this test");
    JsonArray errors = ready.bodyAsJsonObject().getJsonArray("errors");
    return errors.stream().map(error -> ((io.vertx.core.json.JsonObject) error).getString("field")).map(Object.class::cast).toList();
  }

  @Test
  @DisplayName("Redis stopped: readiness reports the limiter degraded, not down, and the gateway limits alone: exactly N")
  void refused() {
    EmbeddedServices redis = EmbeddedServices.start(dir.resolve("redis"), false, true, false);
    try {
      gateway = Gateways.start(Gateways.config(dir, redis.redisUrl(), LIMIT));
      assertEquals(404, await(Gateways.probe(client, gateway, token())).statusCode(), "admitted through Redis");
    } finally {
      redis.close();
    }
    // A ping written as the connection closes can go unanswered (the client drops it) and time out:
    // readiness then says "not answering" once, and the next ping meets the refused connection.
    int checks = 1;
    while (notReady().contains("rate-limiter")) {
      assertTrue(++checks <= 5, "readiness never saw the limiter degraded");
    }
    List<HttpResponse<Buffer>> responses = burst(2 * LIMIT, token());
    System.out.println("RATE-LIMIT FIGURES (d) Redis stopped, 60 concurrent at 30/min: " + statuses(responses));
    assertEquals(LIMIT, admitted(responses), () -> "statuses: " + statuses(responses));
    assertEquals(LIMIT, responses.stream().filter(r -> r.statusCode() == 429).count());
    for (HttpResponse<Buffer> response : responses) {
      assertEquals(String.valueOf(LIMIT), response.getHeader("RateLimit-Limit"));
      if (response.statusCode() == 429) {
        assertEquals(response.getHeader("RateLimit-Reset"), response.getHeader("Retry-After"));
      }
    }
  }

  @Test
  @DisplayName("Redis admitted the first 10 and stopped: this gateway then admits only the 20 left, never a fresh 30")
  void refusedAfterAdmissions() {
    EmbeddedServices redis = EmbeddedServices.start(dir.resolve("redis"), false, true, false);
    String token = token();
    try {
      gateway = Gateways.start(Gateways.config(dir, redis.redisUrl(), LIMIT));
      for (int i = 0; i < 10; i++) {
        assertEquals(404, await(Gateways.probe(client, gateway, token)).statusCode(), "admitted through Redis");
      }
    } finally {
      redis.close();
    }
    List<HttpResponse<Buffer>> responses = burst(2 * LIMIT, token);
    assertTrue(admitted(responses) <= LIMIT - 10, () -> "statuses: " + statuses(responses));
    assertEquals(LIMIT - 10, admitted(responses) + statuses(responses).getOrDefault(503, 0L),
        () -> "every slot left is either admitted or held by a request Redis may have counted: " + statuses(responses));
  }

  @Test
  @DisplayName("Redis connected but silent: nothing is admitted (503 + Retry-After: 1 while the window has room, then 429), readiness names the limiter")
  void silent() {
    NetServer silent = await(clientVertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"));
    gateway = Gateways.start(Gateways.config(dir, "redis://127.0.0.1:" + silent.actualPort(), LIMIT));
    List<HttpResponse<Buffer>> responses = burst(2 * LIMIT, token());
    System.out.println("RATE-LIMIT FIGURES (d) Redis silent, 60 concurrent at 30/min: " + statuses(responses));
    assertEquals(0, admitted(responses), () -> "statuses: " + statuses(responses));
    // The first N were sent to Redis, which may still count them: they hold the window meanwhile.
    assertEquals(LIMIT, statuses(responses).getOrDefault(503, 0L), () -> "statuses: " + statuses(responses));
    assertEquals(LIMIT, statuses(responses).getOrDefault(429, 0L), () -> "statuses: " + statuses(responses));
    for (HttpResponse<Buffer> response : responses) {
      assertEquals(String.valueOf(LIMIT), response.getHeader("RateLimit-Limit"));
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      if (response.statusCode() == 503) {
        assertEquals("1", response.getHeader("Retry-After"));
        assertEquals("the rate limit cannot be checked right now; retry in 1 s", response.bodyAsJsonObject().getString("detail"));
      }
    }
    assertTrue(notReady().contains("rate-limiter"));
  }
}
