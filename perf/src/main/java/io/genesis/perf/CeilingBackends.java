package io.genesis.perf;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling's PostgreSQL and Redis: how its clients are sized, and the data they read, set up once
 * per start (before the server instances deploy).
 *
 * <p>Sizing, for the 2-core machines the benchmarks run on (PostgreSQL and Redis on the same cores):
 * each server instance (one per core) has its own pool of {@value #PG_POOL_SIZE} PostgreSQL
 * connections, 16 in all on 2 cores, twice the session service's single pool of 8, as PostgreSQL
 * gains nothing from more active backends than that on two cores; at most {@value #PG_WAIT_QUEUE}
 * requests per instance wait for one, each for at most {@value #CONNECT_TIMEOUT_MS} ms, and the rest
 * fail at once with 503 (an outage answers, it does not hang). Redis: {@value #REDIS_POOL_SIZE}
 * connections per instance, {@value #REDIS_POOL_WAITING} waiting callers, commands pipelined on each
 * connection. Both wait bounds sit well above a load run's usual concurrency, so a healthy run refuses
 * nothing and the figures measure the stack, not the bounds.
 */
final class CeilingBackends {
  static final String SCHEMA = "perf_ceiling";
  /** Rows of {@code perf_ceiling.world}, ids 1 to this (TechEmpower's "World" table). */
  static final int WORLD_ROWS = 10_000;
  static final String REDIS_KEY = "perf:ceiling:greeting";
  static final String REDIS_VALUE = "Hello, World!";

  static final int PG_POOL_SIZE = 8;
  static final int PG_WAIT_QUEUE = 1_024;
  static final int CONNECT_TIMEOUT_MS = 2_000;
  static final int REDIS_POOL_SIZE = 8;
  static final int REDIS_POOL_WAITING = 1_024;

  static final String SELECT_WORLD = "SELECT id, randomnumber FROM " + SCHEMA + ".world WHERE id = $1";
  /** What GENESIS does to store a chat message: one INSERT … RETURNING, autocommit, a UUIDv7 key. */
  static final String INSERT = "INSERT INTO " + SCHEMA + ".inserts (id, content, created_at) "
      + "VALUES ($1, $2, clock_timestamp()) RETURNING id";

  /**
   * Run once per start, in one transaction under an advisory lock (two ceilings starting together take
   * turns): the world table filled if it is not yet, and the inserts table emptied, so each run starts
   * from the same state.
   */
  private static final List<String> SETUP = List.of(
      "SET LOCAL client_min_messages = warning", // no "already exists, skipping" notices on every start
      "SELECT pg_advisory_xact_lock(hashtext('" + SCHEMA + "'))",
      "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
      "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".world (id integer PRIMARY KEY, randomnumber integer NOT NULL)",
      "INSERT INTO " + SCHEMA + ".world (id, randomnumber) SELECT i, 1 + floor(random() * " + WORLD_ROWS + ")::integer "
          + "FROM generate_series(1, " + WORLD_ROWS + ") AS i ON CONFLICT (id) DO NOTHING",
      "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".inserts (id uuid PRIMARY KEY, content text NOT NULL, "
          + "created_at timestamptz NOT NULL)",
      "TRUNCATE " + SCHEMA + ".inserts",
      "ANALYZE " + SCHEMA + ".world");

  private CeilingBackends() {}

  /** A server instance's pool: bounded in size, waiters and wait. */
  static Pool pgPool(Vertx vertx, String pgUrl, int maxSize) {
    PgConnectOptions connect = PgConnectOptions.fromUri(pgUrl).addProperty("application_name", "genesis-perf-ceiling");
    PoolOptions pool = new PoolOptions()
        .setMaxSize(maxSize)
        .setMaxWaitQueueSize(PG_WAIT_QUEUE)
        .setConnectionTimeout(CONNECT_TIMEOUT_MS)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(5)
        .setIdleTimeoutUnit(TimeUnit.MINUTES);
    NetClientOptions net = new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpKeepAlive(true);
    return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
  }

  /**
   * A server instance's Redis client. {@code new RedisOptions()} names its pool with
   * {@code UUID.randomUUID()} (a read of /dev/urandom), so the options are built on a worker thread.
   */
  static Future<Redis> redis(Vertx vertx, String redisUrl) {
    return vertx.executeBlocking(() -> new RedisOptions()
            .setConnectionString(redisUrl)
            .setMaxPoolSize(REDIS_POOL_SIZE)
            .setMaxPoolWaiting(REDIS_POOL_WAITING)
            .setMaxWaitingHandlers(2_048)
            .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpKeepAlive(true)), false)
        .map(options -> Redis.createClient(vertx, options));
  }

  /**
   * Sets up the backends named by {@code options} (a missing URL is skipped). Fails with a one-line
   * message naming the backend, its address and the cause when one cannot be reached or set up.
   */
  static Future<Void> prepare(Vertx vertx, CeilingOptions options) {
    Future<Void> pg = options.pgUrl() == null ? Future.succeededFuture() : preparePg(vertx, options.pgUrl());
    return pg.compose(v -> options.redisUrl() == null ? Future.succeededFuture() : prepareRedis(vertx, options.redisUrl()));
  }

  private static Future<Void> preparePg(Vertx vertx, String pgUrl) {
    Pool pool = pgPool(vertx, pgUrl, 1);
    return pool.withTransaction(CeilingBackends::runSetup)
        .eventually(pool::close)
        .recover(e -> Future.failedFuture(new IllegalStateException("PostgreSQL at " + CeilingOptions.describePg(pgUrl)
            + " (--pg-url) cannot be used: " + oneLine(e))));
  }

  private static Future<Void> runSetup(SqlConnection connection) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : SETUP) {
      chain = chain.compose(v -> connection.query(sql).execute().mapEmpty());
    }
    return chain;
  }

  private static Future<Void> prepareRedis(Vertx vertx, String redisUrl) {
    return redis(vertx, redisUrl).compose(redis -> RedisAPI.api(redis).set(List.of(REDIS_KEY, REDIS_VALUE))
            .<Void>mapEmpty()
            .eventually(redis::close))
        .recover(e -> Future.failedFuture(new IllegalStateException("Redis at " + CeilingOptions.describeRedis(redisUrl)
            + " (--redis-url) cannot be used: " + oneLine(e))));
  }

  /** A failure's message on one line (connection errors of the clients can be null or multi-line). */
  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
