package io.genesis.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide request figures behind {@code /performance/*}: one per Vert.x instance, shared by
 * every gateway verticle instance and the operator port. A timer closes the latency slices every
 * {@link RouteStats#SLICE_MILLIS}.
 */
public final class Observatory implements Shareable {
  public static final String ACTIVE_STREAMS = "genesis.streams.active";
  private static final String MAP = "genesis.observatory";

  private final RouteStats routes = new RouteStats();
  private final SlowRequests slow = new SlowRequests(System.currentTimeMillis());
  private final AtomicInteger activeStreams = new AtomicInteger();

  public static Observatory of(Vertx vertx) {
    return (Observatory) vertx.sharedData().getLocalMap(MAP).computeIfAbsent("instance", key -> {
      Observatory created = new Observatory();
      Gauge.builder(ACTIVE_STREAMS, created.activeStreams, AtomicInteger::get)
          .description("Replies streaming through this gateway process (SSE, WebSocket, OpenAI, JSON)")
          .register(Meters.registry(vertx));
      vertx.setPeriodic(RouteStats.SLICE_MILLIS, timer -> created.rotate(System.currentTimeMillis()));
      return created;
    });
  }

  public void streamOpened() {
    activeStreams.incrementAndGet();
  }

  public void streamEnded() {
    activeStreams.decrementAndGet();
  }

  public int activeStreams() {
    return activeStreams.get();
  }

  public RouteStats routes() {
    return routes;
  }

  public SlowRequests slowRequests() {
    return slow;
  }

  void rotate(long nowMillis) {
    routes.rotate(nowMillis);
    slow.rotate(nowMillis);
  }
}
