package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas start together in every orchestrator: {@value #REPLICAS} {@code serve session-service}
 * JVMs started at the same moment on one database, as an operator's, must all come up, apply each
 * migration once between them, and serve.
 */
@DisplayName("Session services started at once on one database")
class ConcurrentStartTest {
  private static final int REPLICAS = 3;
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Generous: three JVMs starting at once on a loaded 2-core machine; the service's own budget is below it. */
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final Pattern READY = Pattern.compile("session service \\S+ ready");
  private static final Pattern OPERATOR_PORT = Pattern.compile("operator port on http://[^:]+:(\\d+)");
  private static final Pattern APPLIED = Pattern.compile("schema: (\\d+) migration\\(s\\) applied");

  @TempDir
  Path dir;
  private Vertx vertx;
  private String database;
  private final List<ChildGenesis> children = new ArrayList<>();

  @BeforeEach
  void freshDatabase() {
    vertx = Vertx.vertx();
    database = "replicas_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin(pool -> pool.query("CREATE DATABASE " + database).execute());
  }

  @AfterEach
  void stop() {
    children.forEach(ChildGenesis::close);
    admin(pool -> pool.query("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)").execute());
    Await.result(vertx.close(), WAIT);
  }

  @Test
  @DisplayName("on an empty database: all come up, each migration is applied once, each serves and stops cleanly")
  void emptyDatabase() throws Exception {
    assertEquals(pending(), startAtOnceAndCheck(), "migrations applied between them");
  }

  @Test
  @DisplayName("on a database migrated by an earlier release (schema version 3): all come up, the rest applied once, data kept")
  void oldDatabase() throws Exception {
    flyway().target("3").load().migrate();
    UUID kept = UUID.randomUUID();
    query("INSERT INTO sessions (id, user_id, title) VALUES ('" + kept + "', 'u-old', 'kept')");
    int pending = pending();
    assertTrue(pending > 0, "the database is older than this release");
    assertEquals(pending, startAtOnceAndCheck(), "migrations applied between them");
    assertEquals(List.of("kept"), query("SELECT title FROM sessions WHERE id = '" + kept + "'").stream()
        .map(row -> row.getString(0)).toList());
  }

  /** Starts the replicas at once; checks they come up, migrate once and serve; stops them. Answers the migrations they applied. */
  private int startAtOnceAndCheck() throws Exception {
    for (int i = 0; i < REPLICAS; i++) {
      Path data = Files.createDirectories(dir.resolve("replica-" + i));
      children.add(ChildGenesis.launch(data, env(data), "serve", "session-service"));
    }
    int applied = 0;
    for (ChildGenesis child : children) {
      child.awaitLine(READY, READY_WITHIN);
      applied += Integer.parseInt(child.awaitLine(APPLIED, WAIT).group(1));
      int port = Integer.parseInt(child.awaitLine(OPERATOR_PORT, WAIT).group(1));
      HttpResponse<Buffer> caches = new Http(vertx, port).get("/performance/cache-analysis", null);
      assertEquals(200, caches.statusCode(), caches::bodyAsString);
      assertEquals("answered", new JsonObject(caches.bodyAsString()).getString("sessionService"),
          () -> "its session service answers on its event bus: " + caches.bodyAsString());
    }
    List<String> history = query("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL AND success")
        .stream().map(row -> row.getString(0)).toList();
    assertEquals(history.stream().distinct().toList(), history, "each version once in the schema history");
    assertEquals(0, pending(), "no migration left");
    for (ChildGenesis child : children) {
      child.terminate();
    }
    for (ChildGenesis child : children) {
      assertTrue(child.exited(WAIT), () -> "stops on SIGTERM:\n" + child.output());
      assertEquals(0, child.exitValue(), child::output);
      assertFalse(child.output().contains("NullPointerException"), child::output);
    }
    return applied;
  }

  private Map<String, String> env(Path data) {
    Map<String, String> env = new HashMap<>();
    env.put("GENESIS_PG_URL", url(database));
    env.put("GENESIS_REDIS_URL", TestServices.get().redisUrl());
    env.put("GENESIS_ENCRYPTION_KEY", TestApp.ENCRYPTION_KEY);
    env.put("GENESIS_DATA_DIR", data.toString());
    env.put("GENESIS_LOG_FORMAT", "text");
    env.put("GENESIS_SHUTDOWN_GRACE", "0s");
    return env;
  }

  /** Migrations of this release not yet applied to the database. */
  private int pending() {
    MigrationInfo[] pending = flyway().load().info().pending();
    return pending.length;
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    PgConnectOptions pg = PgConnectOptions.fromUri(url(database));
    return Flyway.configure().dataSource("jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase(),
        pg.getUser(), pg.getPassword()).locations("classpath:db/migration");
  }

  private List<Row> query(String sql) {
    Pool pool = pool(url(database));
    try {
      List<Row> rows = new ArrayList<>();
      Await.result(pool.query(sql).execute(), WAIT).forEach(rows::add);
      return rows;
    } finally {
      Await.result(pool.close(), WAIT);
    }
  }

  private void admin(java.util.function.Function<Pool, io.vertx.core.Future<?>> work) {
    Pool pool = pool(url("postgres"));
    try {
      Await.result(work.apply(pool), WAIT);
    } finally {
      Await.result(pool.close(), WAIT);
    }
  }

  private Pool pool(String url) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  private static String url(String name) {
    String url = TestServices.get().pgUrl();
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    return base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : url.substring(query));
  }
}
