package io.genesis.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of work in flight shared by every gateway instance of one process (one Vert.x), with its bound:
 * {@link #tryAcquire} takes a place only while fewer than {@code max} are taken, never waits.
 */
public final class InFlight implements Shareable {
  private static final String MAP = "genesis.gateway.in-flight";

  private final AtomicInteger taken = new AtomicInteger();
  private final int max;

  private InFlight(int max) {
    this.max = max;
  }

  /** The process's count named {@code name}, made with {@code max} by the first instance to ask. */
  public static InFlight of(Vertx vertx, String name, int max) {
    return (InFlight) vertx.sharedData().getLocalMap(MAP).computeIfAbsent(name, absent -> new InFlight(max));
  }

  public boolean tryAcquire() {
    while (true) {
      int now = taken.get();
      if (now >= max) {
        return false;
      }
      if (taken.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release() {
    taken.decrementAndGet();
  }

  public int taken() {
    return taken.get();
  }

  public int max() {
    return max;
  }
}
