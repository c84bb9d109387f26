package io.genesis.session.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: every {@code db/migration/V<n>__<description>.sql} on the classpath,
 * applied in version order by Flyway at start, before the reactive pool serves. Flyway records each
 * file's checksum in {@code flyway_schema_history}: a file added later is applied, an applied file
 * that was edited fails the start (validation). Instances starting at once take turns on Flyway's
 * PostgreSQL advisory lock; one that gives up waiting for it, or loses a race with another, is tried
 * again by the start-up ({@link #retryable}).
 *
 * <p>Flyway is blocking JDBC (pgjdbc, used for nothing else): it runs once on a worker thread.
 *
 * <p>Databases made by releases before Flyway kept their versions in {@code schema_migrations}
 * (no checksums). Such a database is adopted: Flyway records a baseline at the highest version
 * found there and applies only the files above it. The old table is left as it was.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** Where the files are: the classpath folder, in the service jar and in the shaded jar. */
  static final String LOCATION = "classpath:db/migration";
  /** The bookkeeping table of the hand-kept migrator of earlier releases. */
  static final String LEGACY_TABLE = "schema_migrations";
  /** pgjdbc's connect and login timeouts of one attempt. */
  static final int CONNECT_TIMEOUT_SECONDS = 5;

  private Migrations() {}

  /** Applies the pending migrations on a worker thread; completes with the versions applied (often none). */
  public static Future<List<String>> run(Vertx vertx, String pgUrl) {
    return vertx.executeBlocking(() -> migrate(pgUrl, LOCATION), false);
  }

  /** Blocking. {@code location} is a Flyway location ({@code classpath:…} or {@code filesystem:…}). */
  static List<String> migrate(String pgUrl, String location) {
    FluentConfiguration config = configure(pgUrl, location);
    Integer legacy = legacyVersion(config.getDataSource());
    if (legacy != null) {
      // Only applies while flyway_schema_history does not exist; Flyway decides under its lock.
      config.baselineOnMigrate(true)
          .baselineVersion(Integer.toString(legacy))
          .baselineDescription("adopted from " + LEGACY_TABLE);
    }
    MigrateResult result = config.load().migrate();
    List<String> applied = new ArrayList<>();
    result.migrations.forEach(m -> applied.add(m.version));
    LOG.info("schema: {} migration(s) applied {}, now at version {}", applied.size(), applied, result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion);
    return applied;
  }

  static FluentConfiguration configure(String pgUrl, String location) {
    PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl);
    String jdbcUrl = "jdbc:postgresql://" + hostForUrl(pg.getHost()) + ":" + pg.getPort() + "/" + pg.getDatabase()
        + "?sslmode=" + pg.getSslMode().value + "&ApplicationName=genesis-session-migrations"
        // Bounded connects: a database that does not answer fails this attempt, and the start-up retries it.
        + "&connectTimeout=" + CONNECT_TIMEOUT_SECONDS + "&loginTimeout=" + CONNECT_TIMEOUT_SECONDS;
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(jdbcUrl, pg.getUser(), pg.getPassword())
        .locations(location)
        .failOnMissingLocations(true)
        .validateMigrationNaming(true)
        .cleanDisabled(true)
        // The start-up retries the whole migration with backoff under GENESIS_START_TIMEOUT (see SessionVerticle).
        .connectRetries(0);
  }

  /**
   * The highest version in the old {@code schema_migrations} table, or null when there is none. The
   * old migrator applied every file it listed, so its versions run from 1 without a gap; anything
   * else is not a database this release knows how to adopt.
   */
  static Integer legacyVersion(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      try (ResultSet exists = statement.executeQuery("SELECT to_regclass('" + LEGACY_TABLE + "') IS NOT NULL")) {
        exists.next();
        if (!exists.getBoolean(1)) {
          return null;
        }
      }
      try (ResultSet versions = statement.executeQuery("SELECT count(*), max(version) FROM " + LEGACY_TABLE)) {
        versions.next();
        int count = versions.getInt(1);
        int max = versions.getInt(2);
        if (count == 0) {
          return null;
        }
        if (count != max) {
          throw new NotAdoptable(LEGACY_TABLE + " holds " + count + " versions up to " + max
              + ": a gap the earlier releases never left; repair the schema by hand before upgrading");
        }
        return max;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the schema version: " + e.getMessage(), e);
    }
  }

  /**
   * Whether trying the migration again may help: not when a file was edited after it was applied
   * (validation) or the database is not one this release can adopt. Anything else (no connection yet,
   * a replica holding the migration lock past Flyway's wait, a DDL race with a replica) may pass.
   */
  public static boolean retryable(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof FlywayValidateException || e instanceof NotAdoptable) {
        return false;
      }
    }
    return true;
  }

  /** A database this release cannot adopt as it is. */
  static final class NotAdoptable extends IllegalStateException {
    NotAdoptable(String message) {
      super(message);
    }
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
