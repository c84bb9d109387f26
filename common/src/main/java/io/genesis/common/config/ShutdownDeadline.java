package io.genesis.common.config;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * When a stopping process cuts its live streams: {@code GENESIS_SHUTDOWN_GRACE} after the first of its
 * services began to stop. Services stop one after another (the gateway first, the session service
 * last), so each asks here rather than counting the grace again from its own stop.
 */
public final class ShutdownDeadline {
  private static final String MAP = "genesis.shutdown";
  private static final String KEY = "deadlineNanos";

  private ShutdownDeadline() {}

  /** Starts the grace period unless it has started; answers the milliseconds left of it (0 once over). */
  public static long start(Vertx vertx, long graceMillis) {
    LocalMap<String, Long> map = vertx.sharedData().getLocalMap(MAP);
    long mine = System.nanoTime() + graceMillis * 1_000_000;
    Long set = map.putIfAbsent(KEY, mine);
    return Math.max(0, ((set == null ? mine : set) - System.nanoTime()) / 1_000_000);
  }
}
