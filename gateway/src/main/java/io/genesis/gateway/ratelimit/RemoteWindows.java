package io.genesis.gateway.ratelimit;

import io.vertx.core.Future;

/** The shared sliding logs (Redis in production; a fake in unit tests). Calls fail rather than hang. */
interface RemoteWindows {
  /** Admits or denies one request of {@code key} in one atomic step, and logs it when admitted. */
  Future<Decision> acquire(String key, int limit, long windowMillis);

  /** Succeeds when the store answers within {@code timeoutMillis}. */
  Future<Void> ping(long timeoutMillis);
}
