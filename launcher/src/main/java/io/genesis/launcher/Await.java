package io.genesis.launcher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a future on the main thread, the shutdown hook or a test thread: the only places GENESIS
 * waits. Refuses to run on a Vert.x thread, where waiting would block an event loop.
 */
public final class Await {
  private Await() {}

  public static <T> T result(Future<T> future, Duration timeout) {
    return result(future, timeout, null);
  }

  /** As {@link #result(Future, Duration)}; a time-out names {@code what} was waited for. */
  public static <T> T result(Future<T> future, Duration timeout, String what) {
    if (Context.isOnVertxThread()) {
      throw new IllegalStateException("Await.result must not run on a Vert.x thread");
    }
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Future<T>> outcome = new AtomicReference<>();
    future.onComplete(result -> {
      outcome.set(future);
      done.countDown();
    });
    try {
      if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException((what == null ? "" : what + ": ") + "timed out after " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
    if (outcome.get().failed()) {
      Throwable cause = outcome.get().cause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause.getMessage(), cause);
    }
    return outcome.get().result();
  }
}
