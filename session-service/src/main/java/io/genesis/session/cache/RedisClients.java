package io.genesis.session.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * The Redis clients of the session service, sized and bounded (docs/ARCHITECTURE.md: the defaults fail most
 * calls under load): a pool for cache traffic, publishing and pings, and a separate client for the
 * one long-lived subscriber connection.
 */
public final class RedisClients {
  /** Pooled connections for cache reads and writes; commands are pipelined on each. */
  static final int MAX_POOL_SIZE = 16;
  /** Callers waiting for a pooled connection beyond this fail at once (a cache miss, not a hang). */
  static final int MAX_POOL_WAITING = 256;
  static final int CONNECT_TIMEOUT_MS = 1_000;

  private final Redis pooled;
  private final Redis subscriber;

  private RedisClients(Redis pooled, Redis subscriber) {
    this.pooled = pooled;
    this.subscriber = subscriber;
  }

  /**
   * Creates the clients. {@code new RedisOptions()} names its pool with {@code UUID.randomUUID()},
   * which reads {@code /dev/urandom}: the options are built on a worker thread.
   */
  public static Future<RedisClients> create(Vertx vertx, String redisUrl) {
    return vertx.executeBlocking(() -> new RedisOptions[] {
            options(redisUrl).setMaxPoolSize(MAX_POOL_SIZE).setMaxPoolWaiting(MAX_POOL_WAITING).setPoolName("genesis-session-redis"),
            options(redisUrl).setMaxPoolSize(1).setMaxPoolWaiting(1).setPoolName("genesis-session-redis-subscriber")}, false)
        .map(opts -> new RedisClients(Redis.createClient(vertx, opts[0]), Redis.createClient(vertx, opts[1])));
  }

  public Redis pooled() {
    return pooled;
  }

  public Redis subscriber() {
    return subscriber;
  }

  public Future<Void> close() {
    return Future.join(pooled.close(), subscriber.close()).mapEmpty();
  }

  private static RedisOptions options(String redisUrl) {
    return new RedisOptions()
        .setConnectionString(redisUrl)
        .setMaxWaitingHandlers(2048)
        .setPoolRecycleTimeout(60_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpKeepAlive(true));
  }
}
