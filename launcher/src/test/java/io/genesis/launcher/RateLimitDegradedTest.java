package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.agent.AgentVerticle;
import io.genesis.common.config.GenesisConfig;
import io.genesis.embedded.TestServices;
import io.genesis.gateway.GatewayVerticle;
import io.genesis.gateway.auth.Tokens;
import io.genesis.gateway.ratelimit.RateLimitStats;
import io.genesis.gateway.ratelimit.RateLimiter;
import io.genesis.gateway.ratelimit.RateLimiting;
import io.genesis.session.SessionVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One process with every service on the suite's PostgreSQL and Redis, except that its gateway (four
 * verticle instances) is given a Redis it cannot use. Refused: readiness stays 200 and the limit holds
 * locally. Connected but silent: nothing is admitted, limited routes answer 503, readiness is 503.
 */
@DisplayName("Rate limiting with the gateway's Redis unreachable")
class RateLimitDegradedTest {
  private static final int LIMIT = 20;

  @TempDir
  static Path dataDir;

  @Nested
  @DisplayName("connection refused")
  class Refused extends Scenario {
    @Override
    String unusableRedis(Vertx helper) {
      return "redis://127.0.0.1:1";
    }
  }

  /**
   * A Redis that accepts connections and never answers may yet count what it was sent: the limiter
   * admits nothing it cannot decide. Limited routes answer 503 and readiness names the limiter.
   */
  @Nested
  @DisplayName("a server that accepts connections and never answers (each call cut off after GENESIS_REDIS_TIMEOUT_MS, 1.5 s)")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Silent {
    private Vertx vertx;
    private Vertx clientVertx;
    private WebClient client;
    private int port;
    private String token;

    @BeforeAll
    void start() {
      clientVertx = Vertx.vertx();
      NetServer silent = Await.result(clientVertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1"),
          Duration.ofSeconds(10));
      vertx = Vertx.vertx();
      port = deploy(vertx, "redis://127.0.0.1:" + silent.actualPort());
      client = Burst.client(clientVertx, "127.0.0.1");
      token = new Tokens(clientVertx, TestApp.SECRET).issue("rl-" + UUID.randomUUID(), List.of("user"), 600).token();
    }

    @AfterAll
    void stop() {
      Await.result(clientVertx.close(), Duration.ofSeconds(10));
      Await.result(vertx.close(), Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("readiness is 503 naming the rate limiter; the session service's own Redis is fine")
    void readiness() {
      HttpResponse<Buffer> ready = Await.result(client.get(port, "127.0.0.1", "/health/ready").send(), Duration.ofSeconds(10));
      assertEquals(503, ready.statusCode(), ready::bodyAsString);
      assertEquals(List.of("rate-limiter"), ready.bodyAsJsonObject().getJsonArray("errors").stream()
          .map(error -> ((JsonObject) error).getString("field")).toList());
    }

    @Test
    @DisplayName("a limited request gets 503 with Retry-After: 1, never an admission")
    void undecided() {
      HttpResponse<Buffer> response = Await.result(client.get(port, "127.0.0.1", "/api/v1/agents")
          .bearerTokenAuthentication(token).send(), Duration.ofSeconds(10));
      assertEquals(503, response.statusCode(), response::bodyAsString);
      assertEquals("1", response.getHeader("Retry-After"));
      assertEquals(String.valueOf(LIMIT), response.getHeader("RateLimit-Limit"));
      assertEquals(0, RateLimiting.stats(vertx).allowed());
    }
  }

  /** Every service on the suite's stores, the gateway (four verticle instances) on {@code gatewayRedis}. */
  static int deploy(Vertx vertx, String gatewayRedis) {
    TestServices.Urls urls = TestServices.get();
    GenesisConfig config = TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(),
        Map.of("GENESIS_RATE_LIMIT_PER_MINUTE", String.valueOf(LIMIT)));
    DeploymentOptions stores = new DeploymentOptions().setConfig(config.toJson());
    DeploymentOptions gateway = new DeploymentOptions().setInstances(4)
        .setConfig(config.withDatabases(config.pgUrl(), gatewayRedis).toJson());
    Await.result(vertx.deployVerticle(new SessionVerticle(), stores)
        .compose(id -> vertx.deployVerticle(new AgentVerticle(), stores))
        .compose(id -> vertx.deployVerticle(GatewayVerticle::new, gateway)), Duration.ofSeconds(60));
    return (Integer) vertx.sharedData().getLocalMap(GatewayVerticle.SHARED_MAP).get(GatewayVerticle.PORT_KEY);
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class Scenario {
    private Vertx vertx;
    private Vertx clientVertx;
    private WebClient client;
    private Tokens tokens;
    private int port;

    abstract String unusableRedis(Vertx helper);

    @BeforeAll
    void start() {
      clientVertx = Vertx.vertx();
      vertx = Vertx.vertx();
      port = deploy(vertx, unusableRedis(clientVertx));
      client = Burst.client(clientVertx, "127.0.0.1");
      tokens = new Tokens(clientVertx, TestApp.SECRET);
    }

    @AfterAll
    void stop() {
      Await.result(clientVertx.close(), Duration.ofSeconds(10));
      Await.result(vertx.close(), Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("readiness stays 200 and names the limiter degraded; the session service's own Redis is UP")
    void readiness() {
      HttpResponse<Buffer> ready = Await.result(client.get(port, "127.0.0.1", "/health/ready").send(), Duration.ofSeconds(10));
      assertEquals(200, ready.statusCode(), ready::bodyAsString);
      JsonObject checks = ready.bodyAsJsonObject().getJsonObject("checks");
      assertEquals(RateLimiter.DEGRADED, checks.getString("rate-limiter"));
      assertEquals("DEGRADED: local only (redis unreachable)", checks.getString("rate-limiter"));
      assertEquals("UP", checks.getString("redis"));
      assertEquals("UP", checks.getString("session-service"));
    }

    @Test
    @DisplayName("3×N concurrent requests over four event loops: exactly N pass, the rest get 429, none fails")
    void limitsLocally() {
      RateLimitStats stats = RateLimiting.stats(vertx);
      long fallbackBefore = stats.localFallback();
      String token = tokens.issue("rl-" + UUID.randomUUID(), List.of("user"), 600).token();
      List<HttpResponse<Buffer>> responses = Burst.fire(3 * LIMIT,
          i -> client.get(port, "127.0.0.1", "/api/v1/agents").bearerTokenAuthentication(token).send());
      assertEquals(LIMIT, Burst.withStatus(responses, 200).size(),
          () -> "statuses: " + responses.stream().map(HttpResponse::statusCode).toList());
      assertEquals(2 * LIMIT, Burst.withStatus(responses, 429).size());
      responses.forEach(response -> Burst.assertLimited(response, LIMIT));
      assertEquals(fallbackBefore + 3 * LIMIT, stats.localFallback(), "every decision was local: " + stats);
    }

    @Test
    @DisplayName("the dev-token route is limited locally per client address too")
    void devTokenLocally() {
      long fallbackBefore = RateLimiting.stats(vertx).localFallback();
      WebClient fromElsewhere = Burst.client(clientVertx, Burst.randomLoopback());
      List<HttpResponse<Buffer>> responses = Burst.fire(LIMIT + 5, i -> fromElsewhere
          .post(port, "127.0.0.1", "/api/v1/auth/dev-token").sendJsonObject(new JsonObject().put("userId", "dev-" + i)));
      assertEquals(LIMIT, Burst.withStatus(responses, 200).size());
      assertEquals(5, Burst.withStatus(responses, 429).size());
      responses.forEach(response -> Burst.assertLimited(response, LIMIT));
      assertEquals(fallbackBefore + LIMIT + 5, RateLimiting.stats(vertx).localFallback());
    }
  }
}
