package io.genesis.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand (nanoseconds, like {@link System#nanoTime()}). */
final class FakeTicker implements Ticker {
  private final AtomicLong now;

  FakeTicker(long start) {
    this.now = new AtomicLong(start);
  }

  FakeTicker() {
    this(1_000_000_000L);
  }

  @Override
  public long read() {
    return now.get();
  }

  void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  void advanceNanos(long nanos) {
    now.addAndGet(nanos);
  }
}
