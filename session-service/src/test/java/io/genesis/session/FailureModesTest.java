package io.genesis.session;

import static io.genesis.session.TestSupport.expectStatus;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Failure modes: a dependency down gives fast, named answers")
class FailureModesTest {
  /** Well under the gateway's bus timeout: the answers must be fast, not hang. */
  private static final long FAST_MS = 3_500;

  @Test
  @DisplayName("PostgreSQL down under a running instance: health names it, uncached reads are 503, cached ones still served")
  void postgresDown(Vertx vertx, VertxTestContext ctx) {
    TestSupport.services();
    String db = TestSupport.freshDatabaseName("genesis_down_");
    String user = userId();
    Pool admin = TestSupport.adminPool(vertx, "postgres");
    admin.query("CREATE DATABASE " + db).execute()
        .compose(v -> TestSupport.deploy(vertx, TestSupport.urlFor(db), TestSupport.services().redisUrl()))
        .compose(deployment -> TestSupport.<SessionView>request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, "cached"))
            .compose(cached -> admin.query("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false").execute()
                .compose(v -> admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '" + db + "'").execute())
                .compose(v -> timed(request(vertx, Addresses.SESSION_HEALTH, Empty.INSTANCE)))
                .compose(health -> {
                  HealthReport report = (HealthReport) health;
                  ctx.verify(() -> {
                    assertFalse(report.up());
                    assertTrue(report.checks().get("postgres").startsWith("DOWN"), report.toString());
                    assertEquals("UP", report.checks().get("redis"));
                  });
                  return timed(expectStatus(request(vertx, Addresses.SESSION_GET, new SessionRef(user, Ids.newId().toString())), 503));
                })
                .compose(v -> timed(expectStatus(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, null)), 503)))
                .compose(v -> request(vertx, Addresses.SESSION_GET, new SessionRef(user, cached.id())))
                .map(got -> {
                  ctx.verify(() -> assertEquals(cached, got));
                  return null;
                }))
            .eventually(() -> vertx.undeploy(deployment)))
        .eventually(() -> admin.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute())
        .eventually(admin::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("Redis down: the instance starts, serves from PostgreSQL, and health names Redis")
  void redisDown(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    TestSupport.deploy(vertx, TestSupport.services().pgUrl(), "redis://127.0.0.1:1")
        .compose(deployment -> TestSupport.<SessionView>request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, "volt", null))
            .compose(s -> TestSupport.appendMany(vertx, user, s.id(), 2)
                .compose(appended -> timed(request(vertx, Addresses.SESSION_GET, new SessionRef(user, s.id()))))
                .compose(got -> timed(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, null))))
                .map(page -> {
                  ctx.verify(() -> assertEquals(2, ((MessagePage) page).items().size()));
                  return null;
                }))
            .compose(v -> timed(TestSupport.<HealthReport>request(vertx, Addresses.SESSION_HEALTH, Empty.INSTANCE)))
            .map(report -> {
              ctx.verify(() -> {
                assertFalse(report.up());
                assertEquals("UP", report.checks().get("postgres"));
                assertTrue(report.checks().get("redis").startsWith("DOWN"), report.toString());
              });
              return null;
            })
            .eventually(() -> vertx.undeploy(deployment)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a database that cannot be reached fails start clearly once GENESIS_START_TIMEOUT is spent, having retried")
  void noDatabaseFailsStart(Vertx vertx, VertxTestContext ctx) {
    long started = System.nanoTime();
    vertx.deployVerticle(new SessionVerticle(), TestSupport.options("postgresql://postgres@127.0.0.1:1/postgres",
            TestSupport.services().redisUrl(), java.util.Map.of("GENESIS_START_TIMEOUT", "1s")))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().startsWith("session-service: cannot migrate the database schema (GENESIS_PG_URL 127.0.0.1:1/postgres)"
              + ": gave up after "), e.getMessage());
          assertTrue(e.getMessage().contains(" attempts in 1 s (GENESIS_START_TIMEOUT): "), e.getMessage());
          assertTrue((System.nanoTime() - started) / 1_000_000 < FAST_MS);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("appends that cannot get a database connection soon are refused with 503 while the queue is stuck, not after the gateway gave up")
  void overloadIsRefusedNotQueued(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    int sent = 100;
    Pool locker = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(TestSupport.services().pgUrl())).using(vertx).build();
    TestSupport.deploy(vertx)
        .compose(deployment -> TestSupport.<SessionView>request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, null))
            .compose(session -> locker.getConnection().compose(conn -> conn.begin().compose(tx -> conn
                // Every append of this session now waits for the row lock, holding a pooled connection.
                .preparedQuery("SELECT id FROM sessions WHERE id = $1 FOR UPDATE").execute(Tuple.of(UUID.fromString(session.id())))
                .compose(locked -> {
                  AtomicInteger refusedWhileLocked = new AtomicInteger();
                  AtomicBoolean released = new AtomicBoolean();
                  Promise<Void> firstRefusals = Promise.promise();
                  List<Future<Object>> appends = new ArrayList<>();
                  for (int i = 0; i < sent; i++) {
                    appends.add(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(user, session.id(), "user", null, "m" + i))
                        .onFailure(e -> {
                          if (!released.get() && TestSupport.status(e) == 503 && refusedWhileLocked.incrementAndGet() == 20) {
                            firstRefusals.tryComplete();
                          }
                        }));
                  }
                  // Refused or not within a second, the lock goes (well inside statement and connection timeouts).
                  long timer = vertx.setTimer(1_000, t -> firstRefusals.tryComplete());
                  return firstRefusals.future()
                      .compose(v -> {
                        vertx.cancelTimer(timer);
                        released.set(true);
                        return tx.commit();
                      })
                      .compose(v -> Future.join(appends).otherwiseEmpty())
                      .map(v -> {
                        long stored = appends.stream().filter(Future::succeeded).count();
                        List<Integer> statuses = appends.stream().filter(Future::failed).map(f -> TestSupport.status(f.cause())).distinct().toList();
                        ctx.verify(() -> {
                          assertTrue(refusedWhileLocked.get() >= 20, "refused while the lock was held: " + refusedWhileLocked.get());
                          assertTrue(stored >= 1 && stored + refusedWhileLocked.get() <= sent, "stored: " + stored);
                          assertTrue(statuses.isEmpty() || statuses.equals(List.of(503)), "statuses: " + statuses);
                        });
                        return null;
                      });
                })
                .eventually(conn::close))))
            .eventually(() -> vertx.undeploy(deployment)))
        .eventually(locker::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Fails when {@code answer} takes longer than {@link #FAST_MS}. */
  private static <T> Future<T> timed(Future<T> answer) {
    long started = System.nanoTime();
    return answer.andThen(ar -> {
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (ms > FAST_MS) {
        throw new AssertionError("answered in " + ms + " ms");
      }
    });
  }
}
