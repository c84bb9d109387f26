package io.genesis.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real PostgreSQL and a real Redis started from Maven artifacts, their data kept under a
 * directory so that a restart finds every session and message again. Starting is blocking and
 * belongs on the main thread, before Vert.x runs.
 */
public final class EmbeddedServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final EmbeddedPostgres postgres;
  private final RedisServer redis;
  private final int redisPort;

  private EmbeddedServices(EmbeddedPostgres postgres, RedisServer redis, int redisPort) {
    this.postgres = postgres;
    this.redis = redis;
    this.redisPort = redisPort;
  }

  /**
   * Starts the services asked for; the data lives in {@code dataDir/postgres} and {@code dataDir/redis}.
   * PostgreSQL is durable: a commit is on disk before it is acknowledged.
   */
  public static EmbeddedServices start(Path dataDir, boolean withPostgres, boolean withRedis) {
    return start(dataDir, withPostgres, withRedis, true);
  }

  /**
   * @param durable false keeps the embedded library's test settings (no fsync, asynchronous commit):
   *     faster, and fine for throw-away test data, never for the product
   */
  public static EmbeddedServices start(Path dataDir, boolean withPostgres, boolean withRedis, boolean durable) {
    EmbeddedPostgres postgres = null;
    RedisServer redis = null;
    int redisPort = 0;
    try {
      if (withPostgres) {
        postgres = startPostgres(dataDir.resolve("postgres"), durable);
      }
      if (withRedis) {
        redisPort = freePort();
        redis = startRedis(dataDir.resolve("redis"), redisPort);
      }
      return new EmbeddedServices(postgres, redis, redisPort);
    } catch (IOException | RuntimeException e) {
      new EmbeddedServices(postgres, redis, redisPort).close();
      throw new IllegalStateException("cannot start the embedded " + (postgres == null ? "PostgreSQL" : "Redis")
          + " in " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  private static EmbeddedPostgres startPostgres(Path dir, boolean durable) throws IOException {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (durable) {
      // The library's defaults are for tests: fsync, synchronous_commit and full_page_writes off.
      builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on");
    }
    EmbeddedPostgres pg = builder
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(freePort())
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    LOG.info("embedded PostgreSQL on 127.0.0.1:{} ({} ms, data in {})", pg.getPort(),
        (System.nanoTime() - started) / 1_000_000, dir.toAbsolutePath());
    return pg;
  }

  private static RedisServer startRedis(Path dir, int port) throws IOException {
    Files.createDirectories(dir);
    RedisServer server = RedisServer.newRedisServer()
        .bind("127.0.0.1")
        .port(port)
        .setting("dir " + dir.toAbsolutePath())
        .setting("appendonly yes")
        .setting("save 60 1")
        .setting("maxmemory 256mb")
        .setting("maxmemory-policy allkeys-lru")
        .build();
    server.start();
    LOG.info("embedded Redis on 127.0.0.1:{} (data in {})", port, dir.toAbsolutePath());
    return server;
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/postgres}, or null when PostgreSQL was not started. */
  public String pgUrl() {
    return postgres == null ? null : "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  /** {@code redis://127.0.0.1:PORT}, or null when Redis was not started. */
  public String redisUrl() {
    return redis == null ? null : "redis://127.0.0.1:" + redisPort;
  }

  @Override
  public void close() {
    if (redis != null) {
      try {
        redis.stop();
      } catch (IOException | RuntimeException e) {
        LOG.warn("embedded Redis did not stop cleanly: {}", e.getMessage());
      }
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
