package io.genesis.session;

import io.genesis.session.db.IdempotencyRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes idempotency keys past their 24 h, every {@link #INTERVAL_MS} (the first run shortly after start),
 * in statements of {@link #BATCH} rows, whatever {@code GENESIS_RETENTION_DAYS} says: a key is kept 24 h,
 * not as long as messages. Until a run deletes it an expired key already counts as absent (claimed anew,
 * not exported). Runs of one process never overlap; several processes skip each other's locked rows.
 */
final class IdempotencyExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyExpiry.class);
  static final long INTERVAL_MS = 10 * 60_000L;
  private static final long FIRST_RUN_DELAY_MS = 5_000;
  static final int BATCH = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final IdempotencyRepository repository;
  private long timer = -1;
  private Future<Long> running;

  IdempotencyExpiry(Vertx vertx, IdempotencyRepository repository) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.repository = repository;
  }

  void start() {
    timer = vertx.setPeriodic(FIRST_RUN_DELAY_MS, INTERVAL_MS, tick -> {
      if (running == null) {
        runOnce();
      }
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** One run now, or right after the one under way; answers how many keys it deleted. */
  Future<Long> runOnce() {
    if (Vertx.currentContext() != context) {
      Promise<Long> done = Promise.promise();
      context.runOnContext(v -> runOnce().onComplete(done));
      return done.future();
    }
    if (running != null) {
      return running.transform(previous -> runOnce());
    }
    Future<Long> run = deleteFrom(0)
        .onSuccess(deleted -> {
          if (deleted > 0) {
            LOG.info("idempotency keys: deleted {} older than {}", deleted, IdempotencyRepository.TTL);
          }
        })
        .onFailure(e -> LOG.warn("idempotency keys: expiry run failed, next one in {} s: {}", INTERVAL_MS / 1000, e.toString()))
        .onComplete(done -> running = null);
    if (!run.isComplete()) {
      running = run;
    }
    return run;
  }

  private Future<Long> deleteFrom(long deletedSoFar) {
    return repository.deleteExpired(BATCH).compose(deleted -> deleted < BATCH
        ? Future.succeededFuture(deletedSoFar + deleted)
        : deleteFrom(deletedSoFar + deleted));
  }
}
