package io.genesis.perf.fake;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A count that tests can wait on ({@link #atLeast}) instead of polling or sleeping. Thread-safe. */
public final class Counter {
  private final List<Waiter> waiters = new ArrayList<>();
  private int value;

  public synchronized int get() {
    return value;
  }

  /** Completes once the count reaches {@code target} (at once if it already has). */
  public Future<Void> atLeast(int target) {
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      if (value < target) {
        waiters.add(new Waiter(target, promise));
        return promise.future();
      }
    }
    promise.complete();
    return promise.future();
  }

  int increment() {
    List<Promise<Void>> reached = new ArrayList<>();
    int now;
    synchronized (this) {
      now = ++value;
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.target <= now) {
          reached.add(waiter.promise);
          it.remove();
        }
      }
    }
    reached.forEach(Promise::tryComplete);
    return now;
  }

  private record Waiter(int target, Promise<Void> promise) {}
}
