package io.genesis.gateway.ratelimit;

import io.genesis.common.metrics.Meters;
import io.micrometer.core.instrument.MeterRegistry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.genesis.common.config.GenesisConfig;
import io.genesis.gateway.redis.GatewayRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.net.ConnectException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The rate limiting of one gateway verticle: its own Redis client, and the state every gateway
 * verticle of the process shares (local sliding logs, Redis health, counters), kept in a Vert.x
 * local map so that N verticles on N event loops still make one per-process limiter.
 */
public final class RateLimiting {
  public static final Duration WINDOW = Duration.ofMinutes(1);
  /**
   * How long a decision waits for Redis by default ({@code GENESIS_REDIS_TIMEOUT_MS}); past it the request
   * gets a {@code 503} (never a local admission: the late answer may still count it). A frozen Redis thus
   * costs a request this, never more.
   */
  static final long REDIS_TIMEOUT_MS = 1_500;
  /** Failed or late calls in a row after which Redis counts as unreachable (see {@link RemoteHealth}). */
  static final int FAILURES_BEFORE_DEGRADED = 3;
  /** While Redis is unreachable, one request per interval tries it again (plus every readiness probe). */
  static final Duration REDIS_RETRY_INTERVAL = Duration.ofSeconds(1);
  /** The start pings open the pool's connections and load the script, so they get longer than a decision. */
  static final long START_PING_TIMEOUT_MS = 3_000;
  /** Callers remembered locally per process (LRU beyond). */
  static final long MAX_LOCAL_KEYS = 100_000;
  private static final String SHARED_MAP = "genesis.ratelimit";
  private static final String SHARED_KEY = "state";

  private final Redis client;
  private final RateLimiter limiter;

  private RateLimiting(Redis client, RateLimiter limiter) {
    this.client = client;
    this.limiter = limiter;
  }

  /**
   * Creates the limiter of one verticle, loads the script into Redis and opens its connections, all
   * before the gateway serves (so a first burst meets neither an empty script cache nor connection
   * set-up). Succeeds even when Redis is unreachable: the limiter then starts degraded and says so in
   * readiness.
   */
  public static Future<RateLimiting> create(Vertx vertx, GenesisConfig config) {
    SharedState shared = shared(vertx, config.rateLimitPerMinute());
    long timeout = config.overload().redisTimeoutMillis();
    if (config.redisUrl() == null) {
      RateLimiter alone = new RateLimiter(shared.local, Unconfigured.INSTANCE, shared.health, shared.stats, timeout);
      return alone.probe(timeout).map(ignored -> new RateLimiting(null, alone));
    }
    return shared.offLoop(vertx, () -> new Prepared(GatewayRedis.options(config.redisUrl()),
            RedisWindows.sha1(RedisWindows.SCRIPT), UUID.randomUUID().toString().substring(0, 13) + ":"))
        .compose(prepared -> {
          Redis client = Redis.createClient(vertx, prepared.options());
          RedisWindows remote = new RedisWindows(RedisAPI.api(client), prepared.sha(), prepared.memberPrefix());
          RateLimiter limiter = new RateLimiter(shared.local, remote, shared.health, shared.stats, timeout);
          return limiter.warmUp(GatewayRedis.MAX_POOL_SIZE, START_PING_TIMEOUT_MS).map(ignored -> new RateLimiting(client, limiter));
        });
  }

  /** What a verticle's limiter needs that cannot be built on an event loop. */
  private record Prepared(RedisOptions options, String sha, String memberPrefix) {}

  public RateLimiter limiter() {
    return limiter;
  }

  /** For {@code /api/v1/*} (after {@code BearerAuth}): per user. */
  public RateLimitHandler perUser() {
    return RateLimitHandler.perUser(limiter);
  }

  /** For routes without a token (the dev-token route): per client address. */
  public RateLimitHandler perClientIp() {
    return RateLimitHandler.perClientIp(limiter);
  }

  /**
   * The readiness check: {@code UP}, {@link RateLimiter#DEGRADED} (which keeps readiness at 200), or
   * {@link RateLimiter#NOT_ANSWERING} (not ready: limited routes answer 503 meanwhile).
   */
  public Future<String> health() {
    return limiter.health();
  }

  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** The decision counters of the gateways running on {@code vertx}, or null when none runs there. */
  public static RateLimitStats stats(Vertx vertx) {
    Object state = vertx.sharedData().getLocalMap(SHARED_MAP).get(SHARED_KEY);
    return state instanceof SharedState shared ? shared.stats : null;
  }

  private static SharedState shared(Vertx vertx, int limit) {
    return (SharedState) vertx.sharedData().<String, Object>getLocalMap(SHARED_MAP)
        .computeIfAbsent(SHARED_KEY, key -> new SharedState(limit, Meters.registry(vertx)));
  }

  /** One per Vert.x instance (i.e. per gateway process). {@link Shareable}: handed out as is, not copied. */
  private static final class SharedState implements Shareable {
    final LocalWindows local;
    final RemoteHealth health = new RemoteHealth(FAILURES_BEFORE_DEGRADED, REDIS_RETRY_INTERVAL.toNanos());
    final RateLimitStats stats = new RateLimitStats();

    private Future<?> offLoopQueue = Future.succeededFuture();

    SharedState(int limit, MeterRegistry registry) {
      this.local = new LocalWindows(limit, WINDOW, MAX_LOCAL_KEYS, Ticker.systemTicker());
      stats.bindMetrics(registry);
    }

    /**
     * Runs {@code task} on a worker, one task at a time for the whole process, and completes on the
     * caller's context. The gateway verticles start together on several event loops; handing work to
     * the worker pool from all of them at once contends on the pool's lock, and BlockHound caught an
     * event loop parking there. Chained, each hand-off happens alone.
     */
    synchronized <T> Future<T> offLoop(Vertx vertx, Callable<T> task) {
      Context caller = vertx.getOrCreateContext();
      Promise<T> done = Promise.promise();
      offLoopQueue = offLoopQueue.transform(previous -> vertx.executeBlocking(task, false))
          .onComplete(outcome -> caller.runOnContext(v -> done.handle(outcome)));
      return done.future();
    }
  }

  /** No Redis configured (a gateway started outside the launcher): always local. */
  private enum Unconfigured implements RemoteWindows {
    INSTANCE;

    @Override
    public Future<Decision> acquire(String key, int limit, long windowMillis) {
      return Future.failedFuture(new ConnectException("GENESIS_REDIS_URL is not set"));
    }

    @Override
    public Future<Void> load(long timeoutMillis) {
      return Future.failedFuture(new ConnectException("GENESIS_REDIS_URL is not set"));
    }

    @Override
    public Future<Void> ping(long timeoutMillis) {
      return Future.failedFuture(new ConnectException("GENESIS_REDIS_URL is not set"));
    }
  }
}
