package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.genesis.embedded.TestServices;
import io.genesis.gateway.auth.Tokens;
import io.genesis.gateway.ratelimit.RateLimitStats;
import io.genesis.gateway.ratelimit.RateLimiting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Rate limiting: one sliding window per user, shared exactly by two gateways through Redis")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {
  private static final int LIMIT = 20;

  @TempDir
  static Path dataDir;

  private Genesis first;
  private Genesis second;
  private Vertx clientVertx;
  private WebClient client;
  private RedisAPI redis;
  private Tokens tokens;

  @BeforeAll
  void start() {
    TestServices.Urls urls = TestServices.get();
    Map<String, String> small = Map.of("GENESIS_RATE_LIMIT_PER_MINUTE", String.valueOf(LIMIT));
    // Two processes in one JVM (separate Vert.x instances, no shared bus): everything, and a
    // second gateway with the agent service, both pointed at the suite's Redis.
    first = Genesis.start(TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(), small), Set.of(Service.values()), false);
    second = Genesis.start(TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(), small),
        EnumSet.of(Service.AGENT, Service.GATEWAY), false);
    clientVertx = Vertx.vertx();
    client = Burst.client(clientVertx, "127.0.0.1");
    redis = RedisAPI.api(Redis.createClient(clientVertx, urls.redisUrl()));
    tokens = new Tokens(clientVertx, TestApp.SECRET);
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    second.close();
    first.close();
  }

  private String token(String userId) {
    return tokens.issue(userId, List.of("user"), 600).token();
  }

  private static String user() {
    return "rl-" + UUID.randomUUID();
  }

  private Future<HttpResponse<Buffer>> agents(WebClient web, Genesis gateway, String token) {
    return web.get(gateway.httpPort(), "127.0.0.1", "/api/v1/agents").bearerTokenAuthentication(token).send();
  }

  private HttpResponse<Buffer> agentsNow(Genesis gateway, String token) {
    return Await.result(agents(client, gateway, token), Duration.ofSeconds(10));
  }

  /** Requests Redis did not decide: answered 503 (a call past its 1.5 s deadline) or locally (Redis unreachable). */
  private long localDecisions() {
    RateLimitStats one = RateLimiting.stats(first.vertx());
    RateLimitStats two = RateLimiting.stats(second.vertx());
    return one.localFallback() + one.undecided() + two.localFallback() + two.undecided();
  }

  /**
   * Runs {@code scenario} with a fresh user until a run where Redis took every decision. The
   * guarantee under test is exactness while Redis answers; a call that misses its 1.5 s deadline on an
   * overloaded machine gets a 503 by design (never an admission, and counted), so that run proves
   * less: fewer may pass.
   */
  private void whileRedisAnswers(Consumer<String> scenario) {
    for (int attempt = 1; ; attempt++) {
      long before = localDecisions();
      try {
        scenario.accept(user());
        if (localDecisions() == before) {
          return;
        }
      } catch (AssertionError failure) {
        if (localDecisions() == before) {
          throw failure;
        }
      }
      if (attempt == 5) {
        fail("in 5 attempts Redis never answered every decision within 1.5 s: " + RateLimiting.stats(first.vertx()));
      }
    }
  }

  private long logged(String key) {
    return Await.result(redis.zcard("genesis:ratelimit:" + key), Duration.ofSeconds(5)).toLong();
  }

  @Test
  @DisplayName("3×N concurrent requests split across both gateways: exactly N pass, each sees its own Remaining")
  void exactAcrossGateways() {
    whileRedisAnswers(this::exactAcrossGateways);
  }

  private void exactAcrossGateways(String userId) {
    String token = token(userId);
    List<HttpResponse<Buffer>> responses = Burst.fire(3 * LIMIT, i -> agents(client, i % 2 == 0 ? first : second, token));
    List<HttpResponse<Buffer>> passed = Burst.withStatus(responses, 200);
    assertEquals(LIMIT, passed.size(), () -> "statuses: " + responses.stream().map(HttpResponse::statusCode).toList());
    assertEquals(2 * LIMIT, Burst.withStatus(responses, 429).size());
    responses.forEach(response -> Burst.assertLimited(response, LIMIT));
    assertEquals(IntStream.range(0, LIMIT).boxed().collect(Collectors.toSet()),
        passed.stream().map(r -> Integer.parseInt(r.getHeader("RateLimit-Remaining"))).collect(Collectors.toSet()),
        "one atomic step per decision: every admitted request saw a different count");
    assertEquals(LIMIT, logged("user:" + userId), "Redis logged exactly the admitted requests");
    assertEquals(429, agentsNow(second, token).statusCode());
    assertEquals(200, agentsNow(first, token(user())).statusCode(), "another user has a window of their own");
  }

  @Test
  @DisplayName("a user known to be over the limit gets a 429 without a Redis round trip, on either gateway")
  void fastPath() {
    whileRedisAnswers(this::fastPath);
  }

  private void fastPath(String userId) {
    String token = token(userId);
    for (int i = 0; i < LIMIT; i++) {
      HttpResponse<Buffer> response = agentsNow(first, token);
      assertEquals(200, response.statusCode());
      assertEquals(String.valueOf(LIMIT - 1 - i), response.getHeader("RateLimit-Remaining"));
    }
    RateLimitStats firstStats = RateLimiting.stats(first.vertx());
    RateLimitStats secondStats = RateLimiting.stats(second.vertx());
    long firstFast = firstStats.fastPathLimited();
    long secondFast = secondStats.fastPathLimited();
    HttpResponse<Buffer> local = agentsNow(first, token);
    Burst.assertLimited(local, LIMIT);
    assertEquals(429, local.statusCode());
    assertEquals(firstFast + 1, firstStats.fastPathLimited(), "the gateway that admitted the N-th knows the window is full");
    assertEquals(429, agentsNow(second, token).statusCode());
    assertEquals(secondFast, secondStats.fastPathLimited(), "the other gateway had to ask Redis once");
    assertEquals(429, agentsNow(second, token).statusCode());
    assertEquals(secondFast + 1, secondStats.fastPathLimited(), "and then knows too");
  }

  @Test
  @DisplayName("the OpenAI-compatible routes share the user's window and answer 429 in OpenAI's shape")
  void openAiRoutesShareTheWindow() {
    whileRedisAnswers(this::openAiRoutesShareTheWindow);
  }

  private void openAiRoutesShareTheWindow(String userId) {
    String token = token(userId);
    for (int i = 0; i < LIMIT - 1; i++) {
      assertEquals(200, agentsNow(first, token).statusCode());
    }
    HttpResponse<Buffer> last = Await.result(client.get(second.httpPort(), "127.0.0.1", "/v1/models")
        .bearerTokenAuthentication(token).send(), Duration.ofSeconds(10));
    assertEquals(200, last.statusCode(), last::bodyAsString);
    assertEquals("0", last.getHeader("RateLimit-Remaining"));
    HttpResponse<Buffer> limited = Await.result(client.get(first.httpPort(), "127.0.0.1", "/v1/models")
        .bearerTokenAuthentication(token).send(), Duration.ofSeconds(10));
    assertEquals(429, limited.statusCode());
    assertEquals("application/json", limited.getHeader("Content-Type"));
    assertEquals(String.valueOf(LIMIT), limited.getHeader("RateLimit-Limit"));
    assertEquals(limited.getHeader("RateLimit-Reset"), limited.getHeader("Retry-After"));
    JsonObject error = limited.bodyAsJsonObject().getJsonObject("error");
    assertEquals("rate_limit_exceeded", error.getString("type"));
    assertEquals("rate_limit_exceeded", error.getString("code"));
  }

  @Test
  @DisplayName("the dev-token route is limited per client address, across both gateways")
  void devTokenPerAddress() {
    WebClient fromElsewhere = Burst.client(clientVertx, Burst.randomLoopback());
    List<HttpResponse<Buffer>> responses = Burst.fire(3 * LIMIT, i -> fromElsewhere
        .post((i % 2 == 0 ? first : second).httpPort(), "127.0.0.1", "/api/v1/auth/dev-token")
        .sendJsonObject(new JsonObject().put("userId", "dev-" + i)));
    assertEquals(LIMIT, Burst.withStatus(responses, 200).size(),
        () -> "statuses: " + responses.stream().map(HttpResponse::statusCode).toList());
    assertEquals(2 * LIMIT, Burst.withStatus(responses, 429).size());
    responses.forEach(response -> Burst.assertLimited(response, LIMIT));
  }

  @Test
  @DisplayName("health, unknown routes and requests without a valid token are not limited")
  void unlimitedRoutes() {
    List<HttpResponse<Buffer>> live = Burst.fire(3 * LIMIT,
        i -> client.get(first.httpPort(), "127.0.0.1", "/health/live").send());
    assertEquals(3 * LIMIT, Burst.withStatus(live, 200).size());
    live.forEach(Burst::assertNotLimited);
    HttpResponse<Buffer> ready = Await.result(client.get(first.httpPort(), "127.0.0.1", "/health/ready").send(),
        Duration.ofSeconds(10));
    assertEquals(200, ready.statusCode(), ready::bodyAsString);
    assertEquals("UP", ready.bodyAsJsonObject().getJsonObject("checks").getString("rate-limiter"));
    Burst.assertNotLimited(ready);
    Burst.assertNotLimited(Await.result(client.get(first.httpPort(), "127.0.0.1", "/nope").send(), Duration.ofSeconds(10)));
    Burst.assertNotLimited(Await.result(client.get(first.httpPort(), "127.0.0.1", "/api/v1/agents").send(),
        Duration.ofSeconds(10)));
  }

  @Test
  @DisplayName("Redis forgetting the script (SCRIPT FLUSH) is answered by EVAL, still shared and exact")
  void scriptFlushed() {
    Await.result(redis.script(List.of("FLUSH")), Duration.ofSeconds(5));
    RateLimitStats stats = RateLimiting.stats(first.vertx());
    long failures = stats.redisFailures();
    long fallback = stats.localFallback();
    String userId = user();
    HttpResponse<Buffer> response = agentsNow(first, token(userId));
    assertEquals(200, response.statusCode());
    assertEquals(String.valueOf(LIMIT - 1), response.getHeader("RateLimit-Remaining"));
    assertEquals(failures, stats.redisFailures());
    assertEquals(fallback, stats.localFallback());
    assertEquals(1, logged("user:" + userId));
    assertTrue(stats.allowed() > 0);
  }
}
