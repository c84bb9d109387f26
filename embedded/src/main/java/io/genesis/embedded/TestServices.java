package io.genesis.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PostgreSQL and Redis a test suite talks to: the servers named by {@code GENESIS_PG_URL} and
 * {@code GENESIS_REDIS_URL} when set, else embedded ones started once per JVM in a fresh temporary
 * directory and stopped when the JVM exits.
 */
public final class TestServices {
  private static Urls urls;

  private TestServices() {}

  public record Urls(String pgUrl, String redisUrl) {}

  public static synchronized Urls get() {
    if (urls == null) {
      urls = start();
    }
    return urls;
  }

  private static Urls start() {
    String pg = blankToNull(System.getenv("GENESIS_PG_URL"));
    String redis = blankToNull(System.getenv("GENESIS_REDIS_URL"));
    if (pg != null && redis != null) {
      return new Urls(pg, redis);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("genesis-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedServices embedded = EmbeddedServices.start(dir, pg == null, redis == null, false);
    Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-services-stop"));
    return new Urls(pg != null ? pg : embedded.pgUrl(), redis != null ? redis : embedded.redisUrl());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
