package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting, from a test thread, for what another process does: a condition polled until a deadline. */
final class Poll {
  private Poll() {}

  /** Polls {@code condition} every 100 ms until it holds, failing with {@code why} after {@code within}. */
  static void eventually(Duration within, BooleanSupplier condition, Supplier<String> why) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(why.get());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}
