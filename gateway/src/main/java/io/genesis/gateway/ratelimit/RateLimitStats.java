package io.genesis.gateway.ratelimit;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the limiter's decisions in this process (every gateway verticle instance adds to the
 * same counters). Plain {@link LongAdder}s until the metrics step exports them through Micrometer.
 */
public final class RateLimitStats {
  private final LongAdder allowed = new LongAdder();
  private final LongAdder limited = new LongAdder();
  private final LongAdder fastPathLimited = new LongAdder();
  private final LongAdder localFallback = new LongAdder();
  private final LongAdder redisFailures = new LongAdder();

  /** Requests let through, whoever decided. */
  public long allowed() {
    return allowed.sum();
  }

  /** Requests answered {@code 429}, whoever decided. */
  public long limited() {
    return limited.sum();
  }

  /** Of {@link #limited()}, those answered from local knowledge, without a Redis round trip. */
  public long fastPathLimited() {
    return fastPathLimited.sum();
  }

  /** Decisions (allowed or limited) taken by this process alone because Redis was unreachable. */
  public long localFallback() {
    return localFallback.sum();
  }

  /** Redis calls that failed or timed out (each one fell back to the local decision). */
  public long redisFailures() {
    return redisFailures.sum();
  }

  void count(Decision decision) {
    (decision.allowed() ? allowed : limited).increment();
    switch (decision.source()) {
      case LOCAL_FAST_PATH -> fastPathLimited.increment();
      case LOCAL_FALLBACK -> localFallback.increment();
      case REDIS -> { }
    }
  }

  void redisFailed() {
    redisFailures.increment();
  }

  @Override
  public String toString() {
    return "RateLimitStats[allowed=" + allowed() + ", limited=" + limited() + ", fastPathLimited=" + fastPathLimited()
        + ", localFallback=" + localFallback() + ", redisFailures=" + redisFailures() + "]";
  }
}
