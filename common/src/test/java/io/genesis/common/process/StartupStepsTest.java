package io.genesis.common.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Start-up steps: bounded, retried with backoff within one budget, failing with the step named")
class StartupStepsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return e.getCause().getMessage();
  }

  @Test
  @DisplayName("a step that fails twice and then succeeds succeeds, after two retries")
  void retriesUntilSuccess() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    StartupSteps steps = new StartupSteps(vertx, "test-service", 10_000);
    String result = await(steps.run("open the door", 1_000, e -> true, () -> attempts.incrementAndGet() < 3
        ? Future.failedFuture("locked") : Future.succeededFuture("open")));
    assertEquals("open", result);
    assertEquals(3, attempts.get());
  }

  @Test
  @DisplayName("a step that keeps failing gives up once the budget is spent, naming the step, the attempts and the last cause")
  void givesUpAfterTheBudget() {
    AtomicInteger attempts = new AtomicInteger();
    StartupSteps steps = new StartupSteps(vertx, "test-service", 1_000);
    long started = System.nanoTime();
    String message = failure(steps.run("open the door", 1_000, e -> true, () -> {
      attempts.incrementAndGet();
      return Future.failedFuture("locked " + attempts.get());
    }));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(attempts.get() >= 2, "retried: " + attempts.get());
    assertEquals("test-service: cannot open the door: gave up after " + attempts.get() + " attempts in 1 s"
        + " (GENESIS_START_TIMEOUT): locked " + attempts.get(), message);
    assertTrue(tookMillis < 10_000, "bounded: " + tookMillis + " ms");
  }

  @Test
  @DisplayName("an attempt that never answers is cut at its attempt time and tried again")
  void hangingAttemptIsCut() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    StartupSteps steps = new StartupSteps(vertx, "test-service", 20_000);
    String result = await(steps.run("open the door", 300, e -> true, () -> attempts.incrementAndGet() == 1
        ? Promise.<String>promise().future() : Future.succeededFuture("open")));
    assertEquals("open", result);
    assertEquals(2, attempts.get());
  }

  @Test
  @DisplayName("a failure retrying cannot cure ends the step at once")
  void notRetryable() {
    AtomicInteger attempts = new AtomicInteger();
    StartupSteps steps = new StartupSteps(vertx, "test-service", 20_000);
    String message = failure(steps.run("open the door", 1_000, e -> !(e instanceof IllegalArgumentException), () -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new IllegalArgumentException("no such door"));
    }));
    assertEquals("test-service: cannot open the door: no such door", message);
    assertEquals(1, attempts.get());
  }
}
