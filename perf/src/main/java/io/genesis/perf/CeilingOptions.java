package io.genesis.perf;

import io.genesis.perf.cli.Args;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ceiling [--port P] [--pg-url URL] [--redis-url URL]}. The URLs default to the environment
 * variables {@code GENESIS_PG_URL} and {@code GENESIS_REDIS_URL}; an empty value ({@code --pg-url ""})
 * leaves that backend out even when the variable is set. Without a backend the server still starts and
 * its routes answer 503.
 *
 * @param port where to listen on 127.0.0.1; 0 picks a free port, shared by all instances
 * @param pgUrl e.g. {@code postgresql://postgres@127.0.0.1:5432/postgres}, or null
 * @param redisUrl e.g. {@code redis://127.0.0.1:6379}, or null
 */
public record CeilingOptions(int port, String pgUrl, String redisUrl) {
  public static final int DEFAULT_PORT = 8081;
  static final String PG_ENV = "GENESIS_PG_URL";
  static final String REDIS_ENV = "GENESIS_REDIS_URL";

  public CeilingOptions {
    pgUrl = blankToNull(pgUrl);
    redisUrl = blankToNull(redisUrl);
  }

  /** Reads the options; bad or unknown ones are {@link IllegalArgumentException}s naming them. */
  public static CeilingOptions parse(List<String> args, Map<String, String> env) {
    Args parsed = Args.parse(args, Set.of());
    int port = parsed.integer("--port", DEFAULT_PORT, 0);
    if (port > 65_535) {
      throw new IllegalArgumentException("--port must be at most 65535, got " + port);
    }
    String pg = parsed.string("--pg-url", env.get(PG_ENV));
    String redis = parsed.string("--redis-url", env.get(REDIS_ENV));
    parsed.rejectUnused();
    CeilingOptions options = new CeilingOptions(port, pg, redis);
    options.check();
    return options;
  }

  private void check() {
    if (pgUrl != null) {
      if (!pgUrl.startsWith("postgresql://") && !pgUrl.startsWith("postgres://")) {
        throw new IllegalArgumentException("--pg-url (or " + PG_ENV + ") must look like postgresql://USER@HOST:PORT/DB");
      }
      try {
        PgConnectOptions.fromUri(pgUrl);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--pg-url (or " + PG_ENV + ") is not a PostgreSQL URL: " + e.getMessage());
      }
    }
    if (redisUrl != null) {
      URI uri;
      try {
        uri = URI.create(redisUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--redis-url (or " + REDIS_ENV + ") is not a URL: " + e.getMessage());
      }
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("--redis-url (or " + REDIS_ENV + ") must look like redis://HOST:PORT");
      }
    }
  }

  /** The deployment config of {@link CeilingServer} (absent keys: no such backend). */
  JsonObject toConfig() {
    JsonObject config = new JsonObject().put("port", port);
    if (pgUrl != null) {
      config.put("pgUrl", pgUrl);
    }
    if (redisUrl != null) {
      config.put("redisUrl", redisUrl);
    }
    return config;
  }

  /** What is attached, for the start line: hosts and databases, never credentials. */
  public String describeBackends() {
    return "PostgreSQL " + (pgUrl == null ? "none (GET /db and POST /insert answer 503; pass --pg-url)"
        : describePg(pgUrl) + " (schema " + CeilingBackends.SCHEMA + ")")
        + ", Redis " + (redisUrl == null ? "none (GET /redis answers 503; pass --redis-url)" : describeRedis(redisUrl));
  }

  static String describePg(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }

  static String describeRedis(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
