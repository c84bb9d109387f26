package io.genesis.gateway.ratelimit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * Counters of the limiter's decisions in this process (every gateway verticle instance adds to the
 * same counters), exported through Micrometer by {@link #bindMetrics}.
 */
public final class RateLimitStats {
  private final LongAdder allowed = new LongAdder();
  private final LongAdder limited = new LongAdder();
  private final LongAdder fastPathLimited = new LongAdder();
  private final LongAdder localFallback = new LongAdder();
  private final LongAdder redisFailures = new LongAdder();
  private final LongAdder undecided = new LongAdder();

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

  /** Redis calls that failed (answered late or never: see {@link #undecided()}). */
  public long redisFailures() {
    return redisFailures.sum();
  }

  /** Requests answered {@code 503}: Redis did not answer in time, and going local could over-admit. */
  public long undecided() {
    return undecided.sum();
  }

  /** Read at each scrape: {@code genesis_ratelimit_decisions_total{decision}} and the local and Redis figures. */
  void bindMetrics(MeterRegistry registry) {
    counter(registry, "genesis.ratelimit.decisions", "Rate limiter decisions", RateLimitStats::allowed, "decision", "allowed");
    counter(registry, "genesis.ratelimit.decisions", "Rate limiter decisions", RateLimitStats::limited, "decision", "limited");
    counter(registry, "genesis.ratelimit.fast.path.limited", "Requests limited from local knowledge, without Redis",
        RateLimitStats::fastPathLimited);
    counter(registry, "genesis.ratelimit.local.fallback", "Decisions taken by this process alone: Redis unreachable",
        RateLimitStats::localFallback);
    counter(registry, "genesis.ratelimit.decisions", "Rate limiter decisions", RateLimitStats::undecided, "decision", "undecided");
    counter(registry, "genesis.ratelimit.redis.failures", "Redis calls of the rate limiter that failed",
        RateLimitStats::redisFailures);
  }

  private void counter(MeterRegistry registry, String name, String description, ToLongFunction<RateLimitStats> count,
                       String... tags) {
    FunctionCounter.builder(name, this, stats -> count.applyAsLong(stats)).tags(tags).description(description)
        .register(registry);
  }

  void count(Decision decision) {
    switch (decision.source()) {
      case LOCAL_FAST_PATH -> fastPathLimited.increment();
      case LOCAL_FALLBACK -> localFallback.increment();
      case UNDECIDED -> undecided.increment();
      case REDIS -> { }
    }
    if (!decision.undecided()) {
      (decision.allowed() ? allowed : limited).increment();
    }
  }

  void redisFailed() {
    redisFailures.increment();
  }

  @Override
  public String toString() {
    return "RateLimitStats[allowed=" + allowed() + ", limited=" + limited() + ", fastPathLimited=" + fastPathLimited()
        + ", localFallback=" + localFallback() + ", undecided=" + undecided() + ", redisFailures=" + redisFailures() + "]";
  }
}
