package io.genesis.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.function.Supplier;

/**
 * Starts the gateway verticles of one process one after another. Each start hands work to worker
 * threads (the OpenAPI document is read and validated there, Brotli probed…); event loops handing work
 * to the worker pool at the same moment contend on its lock, and BlockHound caught one parking there.
 */
final class StartQueue implements Shareable {
  private static final String SHARED_MAP = "genesis.gateway.start";
  private static final String KEY = "queue";

  private Future<?> tail = Future.succeededFuture();

  static StartQueue of(Vertx vertx) {
    return (StartQueue) vertx.sharedData().getLocalMap(SHARED_MAP).computeIfAbsent(KEY, key -> new StartQueue());
  }

  /** Runs {@code start} on the caller's context once every start queued before it has ended, well or not. */
  synchronized <T> Future<T> enqueue(Vertx vertx, Supplier<Future<T>> start) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> done = Promise.promise();
    tail.onComplete(previous -> caller.runOnContext(v -> Future.succeededFuture().compose(ignored -> start.get()).onComplete(done)));
    tail = done.future();
    return done.future();
  }
}
