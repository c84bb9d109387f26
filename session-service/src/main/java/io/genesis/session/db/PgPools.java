package io.genesis.session.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL pool of the session service, sized and bounded (docs/ARCHITECTURE.md, "Library defaults that bite"): a
 * database outage must fail requests fast (503), never queue them without end.
 */
public final class PgPools {
  /**
   * Connections of the session service: two a core on this project's 2-core reference machine, as
   * many as the perf ceiling's pools hold together, so that the ratio compares like with like.
   */
  static final int MAX_SIZE = 16;
  /** Requests waiting for a connection beyond this fail at once instead of piling up. */
  static final int MAX_WAIT_QUEUE = 256;
  /**
   * How long a request may wait for a pooled connection. A queue that does not move within this is
   * overload: the request answers 503 (the gateway adds Retry-After) instead of waiting its way into
   * the gateway's timeout, and what is admitted keeps a short wait.
   */
  static final int LEASE_TIMEOUT_MS = 500;
  /**
   * How long establishing a new connection may take. With the statement cap this keeps every
   * database step under the gateway's 5 s event-bus timeout, so the service answers before the
   * gateway gives up: a write is never committed after its caller was told 503.
   */
  static final int CONNECTION_TIMEOUT_MS = 1_500;
  /** Server-side cap on one statement, so a stuck query cannot hold a connection for ever. */
  static final String STATEMENT_TIMEOUT_MS = "3000";

  private PgPools() {}

  /** {@code host:port/database} of a URL, for messages (never the credentials). */
  public static String describe(String pgUrl) {
    PgConnectOptions options = PgConnectOptions.fromUri(pgUrl);
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }

  /**
   * A lease of the process's one pool (a Vert.x shared pool, by name): the instances of the service
   * each take one, on their own event loop, and the pool closes with the last lease. {@link #MAX_SIZE}
   * connections in all; each query's result comes back on the caller's context.
   */
  public static Pool create(Vertx vertx, String pgUrl) {
    PgConnectOptions connect = PgConnectOptions.fromUri(pgUrl)
        .addProperty("application_name", "genesis-session")
        .addProperty("statement_timeout", STATEMENT_TIMEOUT_MS)
        .setCachePreparedStatements(true); // every statement is one of a fixed set: parse each once a connection
    PoolOptions pool = new PoolOptions()
        .setShared(true)
        .setName("genesis-session-pg")
        .setMaxSize(MAX_SIZE)
        .setMaxWaitQueueSize(MAX_WAIT_QUEUE)
        .setConnectionTimeout(LEASE_TIMEOUT_MS)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(5)
        .setIdleTimeoutUnit(TimeUnit.MINUTES)
        .setMaxLifetime(30)
        .setMaxLifetimeUnit(TimeUnit.MINUTES)
        .setPoolCleanerPeriod(30_000);
    NetClientOptions net = new NetClientOptions()
        .setConnectTimeout(CONNECTION_TIMEOUT_MS)
        .setTcpKeepAlive(true);
    return PgBuilder.pool().with(pool).with(net).connectingTo(connect).using(vertx).build();
  }
}
