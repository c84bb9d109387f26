package io.genesis.gateway.ratelimit;

import static io.genesis.gateway.ratelimit.Gateways.admitted;
import static io.genesis.gateway.ratelimit.Gateways.await;
import static io.genesis.gateway.ratelimit.Gateways.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.EmbeddedServices;
import io.genesis.gateway.ratelimit.Gateways.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent bursts of one user against real gateways and a real Redis of the test's own (flushed,
 * script cache included, before each test: every test starts cold). Prints its figures on lines
 * starting {@code RATE-LIMIT FIGURES} (see scripts/bench-ratelimit.sh).
 */
@DisplayName("The rate limit never admits more than the limit while Redis answers, however many gateways")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitBurstTest {
  @TempDir
  static Path dir;

  private EmbeddedServices redisServer;
  private Vertx clientVertx;
  private WebClient client;
  private RedisAPI redis;
  private final List<Gateway> gateways = new ArrayList<>();

  @BeforeAll
  void startRedis() {
    redisServer = EmbeddedServices.start(dir.resolve("redis"), false, true, false);
    clientVertx = Vertx.vertx();
    client = Gateways.client(clientVertx);
    // Its own connection: DEBUG SLEEP blocks the server, not this client's other calls.
    redis = RedisAPI.api(Redis.createClient(clientVertx, redisServer.redisUrl()));
  }

  @AfterAll
  void stopRedis() {
    await(clientVertx.close());
    redisServer.close();
  }

  @BeforeEach
  void coldRedis() {
    await(redis.flushall(List.of()).compose(ok -> redis.script(List.of("FLUSH"))));
  }

  @AfterEach
  void stopGateways() {
    gateways.forEach(Gateway::close);
    gateways.clear();
  }

  private Gateway gateway(int limit) {
    Gateway gateway = Gateways.start(Gateways.config(dir, redisServer.redisUrl(), limit));
    gateways.add(gateway);
    return gateway;
  }

  private String token() {
    return Gateways.token(clientVertx, "rl-" + UUID.randomUUID());
  }

  /** {@code count} concurrent requests of one user, alternating over {@code over}. */
  private List<HttpResponse<Buffer>> burst(int count, String token, Gateway... over) {
    return Gateways.fire(count, i -> Gateways.probe(client, over[i % over.length], token));
  }

  private static void figures(String what, Object value) {
    System.out.println("RATE-LIMIT FIGURES " + what + ": " + value);
  }

  @Test
  @DisplayName("(a) one gateway at 30/min: 60 concurrent requests of one user admit exactly 30, round after round")
  void oneGateway() {
    Gateway gateway = gateway(30);
    List<String> rounds = new ArrayList<>();
    List<Long> admitted = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      List<HttpResponse<Buffer>> responses = burst(60, token(), gateway);
      admitted.add(admitted(responses));
      rounds.add(statuses(responses).toString());
    }
    figures("(a) one gateway, 30/min, 60 concurrent, admitted per round", admitted + " statuses " + rounds);
    assertEquals(List.of(30L, 30L, 30L, 30L), admitted, () -> "statuses per round: " + rounds);
  }

  @Test
  @DisplayName("(b) two fresh gateways (separate Vert.x) at 100/min on a cold Redis: the first 300 concurrent requests admit exactly 100, twice")
  void twoColdGateways() {
    List<Long> admitted = new ArrayList<>();
    List<String> rounds = new ArrayList<>();
    for (int start = 0; start < 2; start++) {
      if (start > 0) {
        stopGateways();
        coldRedis();
      }
      Gateway first = gateway(100);
      Gateway second = gateway(100);
      List<HttpResponse<Buffer>> cold = burst(300, token(), first, second);
      List<HttpResponse<Buffer>> warm = burst(300, token(), first, second);
      admitted.add(admitted(cold));
      admitted.add(admitted(warm));
      rounds.add("cold " + statuses(cold) + " warm " + statuses(warm));
    }
    figures("(b) two fresh gateways, 100/min, 300 concurrent, admitted [cold, warm, cold, warm]", admitted + " " + rounds);
    assertEquals(List.of(100L, 100L, 100L, 100L), admitted, () -> "statuses: " + rounds);
  }

  @Test
  @DisplayName("(c) Redis slowed by DEBUG SLEEP 0.5 s (past the old 200 ms deadline, within the 1.5 s one): waited for, exactly 100 of 300")
  void slowRedisIsWaitedFor() {
    Gateway first = gateway(100);
    Gateway second = gateway(100);
    Future<?> sleep = redis.debug(List.of("SLEEP", "0.5"));
    List<HttpResponse<Buffer>> responses = burst(300, token(), first, second);
    await(sleep);
    figures("(c) DEBUG SLEEP 0.5 during 300 concurrent over two gateways at 100/min", statuses(responses));
    assertEquals(100, admitted(responses), () -> "statuses: " + statuses(responses));
    assertEquals(200, responses.stream().filter(r -> r.statusCode() == 429).count(), () -> "statuses: " + statuses(responses));
  }

  @Test
  @DisplayName("(c) Redis answering later than the deadline (DEBUG SLEEP 2.5 s): never more than the limit; what is not decided gets 503 + Retry-After")
  void lateRedisNeverOverAdmits() {
    Gateway first = gateway(100);
    Gateway second = gateway(100);
    String user = "rl-" + UUID.randomUUID();
    String token = Gateways.token(clientVertx, user);
    Future<?> sleep = redis.debug(List.of("SLEEP", "2.5"));
    List<HttpResponse<Buffer>> during = burst(300, token, first, second);
    await(sleep);
    List<HttpResponse<Buffer>> after = burst(300, token, first, second);
    long logged = await(redis.zcard("genesis:ratelimit:user:" + user)).toLong();
    figures("(c) DEBUG SLEEP 2.5 during 300 concurrent over two gateways at 100/min", "during " + statuses(during)
        + " after " + statuses(after) + " redis logged " + logged);
    assertTrue(admitted(during) + admitted(after) <= 100,
        () -> "over the limit: during " + statuses(during) + ", after " + statuses(after));
    for (List<HttpResponse<Buffer>> responses : List.of(during, after)) {
      for (HttpResponse<Buffer> response : responses) {
        int status = response.statusCode();
        assertTrue(status == 404 || status == 429 || status == 503, () -> "unexpected " + status);
        if (status != 404) {
          assertTrue(response.getHeader("Retry-After") != null, "a refusal says when to retry");
          assertEquals("application/problem+json", response.getHeader("Content-Type"));
        }
      }
    }
    assertTrue(logged <= 100, "Redis logged " + logged);
    List<HttpResponse<Buffer>> otherUser = burst(300, token(), first, second);
    assertEquals(100, admitted(otherUser), () -> "Redis awake again, a fresh user: " + statuses(otherUser));
  }
}
