package io.genesis.gateway.ratelimit;

import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.gateway.GatewayVerticle;
import io.genesis.gateway.auth.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Real gateways for the rate-limit tests: each one a {@link GatewayVerticle} (two instances, as on a
 * two-core machine) in a Vert.x of its own, so two of them share nothing but the Redis they are given.
 * A limited request goes to {@code /api/v1/rl-probe}: behind the bearer token and the per-user limit,
 * and no route, so an admitted request answers {@code 404} without needing any other service.
 */
final class Gateways {
  static final String SECRET = "rate-limit-test-secret-rate-limit-test-secret";
  static final String PROBE = "/api/v1/rl-probe";
  static final Duration WAIT = Duration.ofSeconds(60);

  private Gateways() {}

  /** A started gateway process: its own Vert.x, listening on {@code port}. */
  private static final int MAX_SHED = 50;
  private static final long SHED_PAUSE_MILLIS = 100;

  record Gateway(Vertx vertx, int port) {
    void close() {
      await(vertx.close());
    }
  }

  static GenesisConfig config(Path dataDir, String redisUrl, int limitPerMinute) {
    Map<String, String> env = new HashMap<>();
    env.put("GENESIS_HTTP_PORT", "0");
    env.put("GENESIS_DATA_DIR", dataDir.toString());
    env.put("GENESIS_JWT_SECRET", SECRET);
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", String.valueOf(limitPerMinute));
    env.put("GENESIS_REDIS_URL", redisUrl);
    return ConfigLoader.withGeneratedSecrets(ConfigLoader.load(env));
  }

  static Gateway start(GenesisConfig config) {
    Vertx vertx = Vertx.vertx();
    await(vertx.deployVerticle(GatewayVerticle::new, new DeploymentOptions().setInstances(2).setConfig(config.toJson())));
    return new Gateway(vertx, (Integer) vertx.sharedData().getLocalMap(GatewayVerticle.SHARED_MAP).get(GatewayVerticle.PORT_KEY));
  }

  static WebClient client(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(400));
  }

  static String token(Vertx vertx, String userId) {
    return new Tokens(vertx, SECRET).issue(userId, List.of("user"), 600).token();
  }

  /** Starts all {@code count} requests at once, then waits for every answer. */
  static List<HttpResponse<Buffer>> fire(int count, IntFunction<Future<HttpResponse<Buffer>>> request) {
    List<Future<HttpResponse<Buffer>>> all = IntStream.range(0, count).mapToObj(request).toList();
    await(Future.join(all));
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> one : all) {
      if (one.failed()) {
        throw new AssertionError("a request failed at the transport level", one.cause());
      }
      responses.add(one.result());
    }
    return responses;
  }

  /**
   * One request to the limiter. One the gateway's admission shed before the limiter saw it (503 "busy", possible
   * on a loaded machine) is sent again after a pause, as a client would: these tests count the limiter's answers.
   */
  static Future<HttpResponse<Buffer>> probe(WebClient client, Gateway gateway, String token) {
    return probe(client, gateway, token, 0);
  }

  private static Future<HttpResponse<Buffer>> probe(WebClient client, Gateway gateway, String token, int shed) {
    return client.get(gateway.port(), "127.0.0.1", PROBE).bearerTokenAuthentication(token).send()
        .compose(response -> shed < MAX_SHED && response.statusCode() == 503
            && response.bodyAsString().contains("the server is busy")
            ? gateway.vertx().timer(SHED_PAUSE_MILLIS).compose(paused -> probe(client, gateway, token, shed + 1))
            : Future.succeededFuture(response));
  }

  /** Admitted requests reached the router behind the limiter: no route there, so {@code 404}. */
  static long admitted(List<HttpResponse<Buffer>> responses) {
    return responses.stream().filter(r -> r.statusCode() == 404).count();
  }

  static Map<Integer, Long> statuses(List<HttpResponse<Buffer>> responses) {
    Map<Integer, Long> counts = new TreeMap<>();
    responses.forEach(r -> counts.merge(r.statusCode(), 1L, Long::sum));
    return counts;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete in " + WAIT + ": " + e, e);
    }
  }
}
