package io.genesis.gateway.ratelimit;

import io.vertx.core.Future;

/** The shared sliding logs (Redis in production; a fake in unit tests). */
interface RemoteWindows {
  /**
   * Admits or denies one request of {@code key} in one atomic step, and logs it when admitted. The
   * answer whenever it comes, unbounded in time: the caller bounds its wait, and still learns late
   * answers. Fails with a {@link java.net.ConnectException} when the store cannot be reached at all
   * (nothing was sent).
   */
  Future<Decision> acquire(String key, int limit, long windowMillis);

  /** Makes the store ready to decide (loads the script), within {@code timeoutMillis}. */
  Future<Void> load(long timeoutMillis);

  /** Succeeds when the store answers within {@code timeoutMillis}. */
  Future<Void> ping(long timeoutMillis);
}
