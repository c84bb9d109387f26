package io.genesis.session.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations ({@code db/migration/V<n>__<description>.sql} on the classpath),
 * applied in order at start inside one transaction that holds a transaction-scoped advisory lock:
 * instances starting at once take turns, and each sees what the previous one applied.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /**
   * The migration files, in version order. A new migration is a new file here; applied files never
   * change. Each version not yet in {@code schema_migrations} is applied, whatever its neighbours: a
   * database that got V4 before V3 existed gets V3 at the next start.
   */
  public static final List<String> FILES = List.of("V1__sessions_and_messages.sql", "V2__partial_replies.sql",
      "V3__encryption_at_rest.sql", "V4__audit_log.sql");

  /** Key of {@code pg_advisory_xact_lock} while migrating ("GENESIS1" in ASCII). */
  static final long LOCK_KEY = 0x47454E4553495331L;

  private static final String DIR = "db/migration/";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  /** One migration file: {@code V1__sessions_and_messages.sql} is version 1, "sessions and messages". */
  public record Migration(int version, String description, String sql) {}

  private Migrations() {}

  /** Applies the pending migrations; completes with the versions this call applied (often none). */
  public static Future<List<Integer>> run(Vertx vertx, Pool pool) {
    return load(vertx).compose(all -> pool.withTransaction(conn -> migrate(conn, all)));
  }

  /** Reading the classpath is blocking IO: it runs on a worker thread. */
  static Future<List<Migration>> load(Vertx vertx) {
    return vertx.executeBlocking(() -> FILES.stream().map(Migrations::read).toList(), false);
  }

  private static Future<List<Integer>> migrate(SqlConnection conn, List<Migration> all) {
    return conn.query("SET LOCAL statement_timeout = 0; SET LOCAL client_min_messages = warning").execute()
        .compose(r -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute())
        .compose(r -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
            + "version integer PRIMARY KEY, description text NOT NULL, "
            + "applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(r -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> done = new HashSet<>();
          for (Row row : rows) {
            done.add(row.getInteger(0));
          }
          return applyPending(conn, all, done);
        });
  }

  private static Future<List<Integer>> applyPending(SqlConnection conn, List<Migration> all, Set<Integer> done) {
    List<Integer> applied = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Migration m : all) {
      if (!done.contains(m.version())) {
        chain = chain.compose(v -> apply(conn, m)).map(v -> {
          applied.add(m.version());
          return null;
        });
      }
    }
    return chain.map(v -> {
      LOG.info("schema: {} migration(s) applied {}, {} already present", applied.size(), applied, done.size());
      return applied;
    });
  }

  private static Future<Void> apply(SqlConnection conn, Migration m) {
    // The simple query protocol runs every statement of the file.
    return conn.query(m.sql()).execute()
        .compose(r -> conn.preparedQuery("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)")
            .execute(Tuple.of(m.version(), m.description())))
        .mapEmpty();
  }

  static Migration read(String file) {
    Matcher name = NAME.matcher(file);
    if (!name.matches()) {
      throw new IllegalStateException("migration file name must be V<n>__<description>.sql: " + file);
    }
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("migration not on the classpath: " + DIR + file);
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Migration(Integer.parseInt(name.group(1)), name.group(2).replace('_', ' '), sql);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + file, e);
    }
  }
}
