package io.genesis.common.process;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up steps of one service under one budget ({@code GENESIS_START_TIMEOUT}): each step is
 * tried, bounded in time, and tried again with backoff (jittered, so replicas started together do not
 * retry in step) while the budget lasts. A start therefore either succeeds or fails with one message
 * naming the step and its last cause, never waits without end. Timers and callbacks run on the
 * caller's context.
 */
public final class StartupSteps {
  private static final Logger LOG = LoggerFactory.getLogger(StartupSteps.class);
  static final long FIRST_BACKOFF_MILLIS = 200;
  static final long MAX_BACKOFF_MILLIS = 5_000;

  private final Vertx vertx;
  private final String service;
  private final long budgetMillis;
  private final long deadlineNanos;

  /** Starts the budget now. */
  public StartupSteps(Vertx vertx, String service, long budgetMillis) {
    this.vertx = vertx;
    this.service = service;
    this.budgetMillis = budgetMillis;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
  }

  /**
   * Runs {@code attempt} until it succeeds. Each attempt may take {@code attemptMillis} (at most what
   * is left of the budget; an attempt past it counts as failed, and its late outcome is ignored). A
   * failure {@code retryable} rejects ends the step at once.
   *
   * @param what the step as a verb phrase, e.g. "migrate the database schema": the failure reads
   *     "SERVICE: cannot WHAT: gave up after N attempts in S s: CAUSE"
   */
  public <T> Future<T> run(String what, long attemptMillis, Predicate<Throwable> retryable, Supplier<Future<T>> attempt) {
    Promise<T> result = Promise.promise();
    attempt(what, attemptMillis, retryable, attempt, 1, FIRST_BACKOFF_MILLIS, result);
    return result.future();
  }

  private <T> void attempt(String what, long attemptMillis, Predicate<Throwable> retryable, Supplier<Future<T>> attempt,
                           int number, long backoff, Promise<T> result) {
    long left = leftMillis();
    Future<T> outcome = bounded(attempt, Math.max(1, Math.min(attemptMillis, left)));
    outcome.onSuccess(value -> {
      if (number > 1) {
        LOG.info("{}: {} succeeded at attempt {}", service, what, number);
      }
      result.complete(value);
    }).onFailure(e -> {
      String cause = describe(e);
      long wait = jittered(backoff);
      if (!retryable.test(e)) {
        result.fail(new IllegalStateException(service + ": cannot " + what + ": " + cause, e));
      } else if (leftMillis() <= wait) {
        result.fail(new IllegalStateException(service + ": cannot " + what + ": gave up after " + number
            + (number == 1 ? " attempt" : " attempts") + " in " + seconds(budgetMillis) + " (GENESIS_START_TIMEOUT): " + cause, e));
      } else {
        LOG.warn("{}: cannot {} yet (attempt {}: {}); trying again in {} ms", service, what, number, cause, wait);
        vertx.setTimer(wait, t -> attempt(what, attemptMillis, retryable, attempt, number + 1,
            Math.min(MAX_BACKOFF_MILLIS, backoff * 2), result));
      }
    });
  }

  /** The attempt, failed if it has no outcome within {@code millis}. */
  private <T> Future<T> bounded(Supplier<Future<T>> attempt, long millis) {
    Future<T> started;
    try {
      started = attempt.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Promise<T> bounded = Promise.promise();
    long timer = vertx.setTimer(millis, t -> bounded.tryFail(new TimedOut("no answer within " + millis + " ms")));
    started.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        bounded.tryComplete(done.result());
      } else {
        bounded.tryFail(done.cause());
      }
    });
    return bounded.future();
  }

  /** Milliseconds left of the budget (0 once spent). */
  public long leftMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  private static long jittered(long backoff) {
    return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("").trim();
  }

  /** An attempt that had no outcome in its time. */
  public static final class TimedOut extends RuntimeException {
    TimedOut(String message) {
      super(message, null, false, false);
    }
  }
}
