package io.genesis.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis is worth asking, shared by the gateway verticles of the process.
 *
 * <p>Redis counts as unreachable at once when it refuses connections ({@link #unreachable}), and
 * after {@code threshold} failed calls in a row otherwise (a lone failure is not an outage, and going
 * local shares nothing across gateways). A call that is merely late never counts: Redis may still
 * answer it. While unreachable every decision is local for {@code retryNanos}, then exactly one
 * request (the one that wins the compare-and-set) probes Redis while the others stay local. Any
 * answer, or a successful readiness ping, ends it.
 */
final class RemoteHealth {
  private final int threshold;
  private final long retryNanos;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private final AtomicBoolean degraded = new AtomicBoolean();
  private final AtomicLong retryAt = new AtomicLong();

  RemoteHealth(int threshold, long retryNanos) {
    this.threshold = threshold;
    this.retryNanos = retryNanos;
  }

  boolean shouldAsk(long now) {
    if (!degraded.get()) {
      return true;
    }
    long at = retryAt.get();
    return now - at >= 0 && retryAt.compareAndSet(at, now + retryNanos);
  }

  /** @return true when this call ended a degraded period */
  boolean succeeded() {
    failuresInARow.set(0);
    return degraded.get() && degraded.compareAndSet(true, false);
  }

  /** @return true when this call started a degraded period */
  boolean failed(long now) {
    retryAt.set(now + retryNanos);
    return failuresInARow.incrementAndGet() >= threshold && degraded.compareAndSet(false, true);
  }

  /** Straight to degraded: a readiness ping that failed, or no Redis at all. */
  boolean unreachable(long now) {
    failuresInARow.set(threshold);
    retryAt.set(now + retryNanos);
    return degraded.compareAndSet(false, true);
  }

  boolean degraded() {
    return degraded.get();
  }
}
