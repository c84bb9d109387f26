package io.genesis.gateway.redis;

import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.RedisOptions;

/**
 * How the gateway's Redis clients (today: the rate limiter's shared windows) are sized and bounded,
 * because the defaults fail most calls under load (docs/ARCHITECTURE.md). One client per gateway verticle
 * instance: a pooled connection carries one command at a time, so the pool is the concurrency per
 * event loop, and a caller beyond {@link #MAX_POOL_WAITING} waiters fails at once instead of queueing
 * (that request then gets a 503 from the limiter, never a local admission). The session service
 * builds its own the same way: services share no classes.
 */
public final class GatewayRedis {
  /** Connections per verticle instance; a decision holds one for ~0.1–0.5 ms. */
  public static final int MAX_POOL_SIZE = 8;
  public static final int MAX_POOL_WAITING = 512;
  public static final int CONNECT_TIMEOUT_MS = 1_000;

  private GatewayRedis() {}

  /**
   * The client options. Blocking: {@code new RedisOptions()} names its pool with
   * {@code UUID.randomUUID()}, which reads {@code /dev/urandom}, so call this on a worker thread.
   */
  public static RedisOptions options(String redisUrl) {
    return new RedisOptions()
        .setConnectionString(redisUrl)
        .setMaxPoolSize(MAX_POOL_SIZE)
        .setMaxPoolWaiting(MAX_POOL_WAITING)
        .setPoolName("genesis-gateway-redis")
        .setPoolRecycleTimeout(60_000)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpKeepAlive(true).setTcpNoDelay(true));
  }
}
