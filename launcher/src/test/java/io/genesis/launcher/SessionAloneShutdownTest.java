package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.embedded.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A session service deployed alone, stopped: it keeps serving through the shutdown grace, then closes its pools")
class SessionAloneShutdownTest {
  @TempDir
  Path dataDir;

  @Test
  @DisplayName("its health leaves the bus at once, and a reply stored just after the grace (as a draining gateway elsewhere would) is stored")
  void servesThroughTheGrace() {
    TestServices.Urls urls = TestServices.get();
    Genesis session = Genesis.start(TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(), Map.of("GENESIS_SHUTDOWN_GRACE", "1s")),
        Set.of(Service.SESSION), false);
    Vertx vertx = session.vertx();
    long stopping = System.nanoTime();
    CompletableFuture<Void> closed = CompletableFuture.runAsync(session::close);

    assertEquals(ReplyFailure.NO_HANDLERS, healthFailureWithin(vertx, Duration.ofSeconds(2)), "readiness no longer counts on it");
    Await.result(vertx.timer(1_200, TimeUnit.MILLISECONDS), Duration.ofSeconds(5));
    SessionView stored = Await.result(vertx.eventBus().<SessionView>request(Addresses.SESSION_CREATE,
        new CreateSession("alone-" + System.nanoTime(), null, "after the grace")).map(reply -> reply.body()), Duration.ofSeconds(5));
    assertEquals("after the grace", stored.title());

    closed.orTimeout(15, TimeUnit.SECONDS).join();
    long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
    assertTrue(stopMillis < 1_000 + 3_000 + 5_000, "stopped " + stopMillis + " ms after being told to");
  }

  /** Asks for its health every 20 ms until that fails, at most {@code within}; answers how it failed (null: it never did). */
  private static ReplyFailure healthFailureWithin(Vertx vertx, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Future<Object> health = vertx.eventBus().request(Addresses.SESSION_HEALTH, Empty.INSTANCE).map(reply -> reply.body());
      try {
        Await.result(health, Duration.ofSeconds(5));
      } catch (ReplyException failed) {
        return failed.failureType();
      }
      Await.result(vertx.timer(20, TimeUnit.MILLISECONDS), Duration.ofSeconds(1));
    }
    return null;
  }
}
