package io.genesis.session;

import static io.genesis.session.TestSupport.appendMany;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Schema migrations on a fresh database")
class MigrationsTest {

  /** Creates a fresh database, runs {@code body} with its URL, then drops it. */
  private static <T> Future<T> withFreshDatabase(Vertx vertx, java.util.function.Function<String, Future<T>> body) {
    TestSupport.services();
    String name = TestSupport.freshDatabaseName("genesis_mig_");
    Pool admin = TestSupport.adminPool(vertx, "postgres");
    return admin.query("CREATE DATABASE " + name).execute()
        .compose(created -> body.apply(TestSupport.urlFor(name)))
        .eventually(() -> admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute())
        .eventually(admin::close);
  }

  private static Future<List<Row>> rows(Vertx vertx, String pgUrl, String sql) {
    Pool pool = io.genesis.session.db.PgPools.create(vertx, pgUrl);
    return pool.query(sql).execute().map(set -> {
      List<Row> out = new ArrayList<>();
      set.forEach(out::add);
      return out;
    }).eventually(pool::close);
  }

  @Test
  @DisplayName("two instances starting at once both come up with one schema")
  void concurrentStart(Vertx vertx, VertxTestContext ctx) {
    String redis = TestSupport.services().redisUrl();
    withFreshDatabase(vertx, url -> Future.all(TestSupport.deploy(vertx, url, redis), TestSupport.deploy(vertx, url, redis))
        .compose(both -> rows(vertx, url, "SELECT version, count(*) AS n FROM flyway_schema_history "
            + "WHERE success GROUP BY version ORDER BY version::int"))
        .compose(versions -> {
          ctx.verify(() -> {
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), versions.stream().map(r -> r.getString("version")).toList());
            versions.forEach(v -> assertEquals(1L, v.getLong("n"), "each version applied once"));
          });
          return rows(vertx, url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
              + "AND tablename IN ('sessions', 'messages', 'flyway_schema_history', 'audit_log', 'idempotency_keys', 'profiles', "
              + "'progress_records')");
        })
        .compose(tables -> {
          ctx.verify(() -> assertEquals(7L, tables.get(0).getLong(0)));
          return rows(vertx, url, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
        })
        .map(indexes -> {
          ctx.verify(() -> assertEquals(List.of("audit_log_action_at_idx", "audit_log_at_idx", "audit_log_pkey",
              "flyway_schema_history_pk", "flyway_schema_history_s_idx", "idempotency_keys_created_idx", "idempotency_keys_pkey",
              "messages_created_idx", "messages_pkey",
              "messages_session_created_idx", "profiles_pkey", "progress_records_pkey", "progress_records_user_at_idx",
              "progress_records_user_kind_at_idx", "sessions_pkey", "sessions_user_active_idx", "sessions_user_updated_idx"),
              indexes.stream().map(r -> r.getString(0)).toList()));
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("after a restart on the same database the data is still there and nothing is re-applied")
  void restartKeepsData(Vertx control) throws Exception {
    // Steps are joined from the test thread: a closed Vert.x cannot run the callbacks of its own futures.
    String redis = TestSupport.services().redisUrl();
    String user = userId();
    String name = TestSupport.freshDatabaseName("genesis_mig_");
    Pool admin = TestSupport.adminPool(control, "postgres");
    await(admin.query("CREATE DATABASE " + name).execute());
    try {
      String url = TestSupport.urlFor(name);
      Vertx first = Vertx.vertx();
      await(TestSupport.deploy(first, url, redis));
      SessionView session = await(request(first, Addresses.SESSION_CREATE, new CreateSession(user, "aura", "calm")));
      await(appendMany(first, user, session.id(), 3));
      await(first.close());

      Vertx again = Vertx.vertx();
      try {
        await(TestSupport.deploy(again, url, redis));
        SessionView got = await(request(again, Addresses.SESSION_GET, new SessionRef(user, session.id())));
        MessagePage page = await(request(again, Addresses.MESSAGE_LIST, new ListMessages(user, session.id(), 10, null)));
        assertEquals(session.id(), got.id());
        assertEquals("calm", got.title());
        assertEquals(page.items().get(0).createdAt(), got.updatedAt());
        assertEquals(3, page.items().size());
      } finally {
        await(again.close());
      }
      assertEquals(6L, await(rows(control, url, "SELECT count(*) FROM flyway_schema_history")).get(0).getLong(0));
    } finally {
      await(admin.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute());
      await(admin.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
