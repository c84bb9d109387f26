package io.genesis.common.metrics;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.Recorder;

/**
 * One route's requests over the last minute: latencies (microseconds, HdrHistogram, recorded from
 * any event loop without locks), counts and errors, cut into slices by {@link #rotate} and summed on
 * read. Totals since start are kept too.
 */
final class RouteWindow {
  private final String method;
  private final String route;
  /** Latencies are clamped to ten minutes: a fixed range, so recording never resizes anything. */
  static final long MAX_MICROS = 600_000_000L;
  /**
   * Not the packed (auto-resizing) kind: under load, event loops recording into a packed recorder
   * while it resized spun on each other for seconds (seen in scripts/bench-metrics.sh).
   */
  private final Recorder latencies = new Recorder(1, MAX_MICROS, 2);
  private final LongAdder requests = new LongAdder();
  /** Answers by class, {@link #statusClass}: [0] below 400, [1] client errors, [2] server errors. */
  private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder serverErrors = byClass[2];
  private final LongAdder clientErrors = byClass[1];
  private final ArrayDeque<Slice> slices = new ArrayDeque<>();
  private long rotatedAt;
  private long requestsBefore;
  private long serverErrorsBefore;
  private long clientErrorsBefore;

  /** Mutable: a read in the middle of a period adds to that period's slice rather than cutting a new one. */
  private static final class Slice {
    final long startedAt;
    long endedAt;
    final AbstractHistogram latencies;
    long requests;
    long serverErrors;
    long clientErrors;

    Slice(long startedAt, AbstractHistogram latencies) {
      this.startedAt = startedAt;
      this.latencies = latencies;
    }
  }

  RouteWindow(String method, String route, long nowMillis) {
    this.method = method;
    this.route = route;
    this.rotatedAt = nowMillis;
  }

  void record(int status, long nanos) {
    latencies.recordValue(Math.max(1, Math.min(MAX_MICROS, nanos / 1_000)));
    requests.increment();
    byClass[statusClass(status)].increment();
  }

  /**
   * 0 below 400, 1 for 4xx, 2 from 500: an index rather than an {@code if}, because C2 compiled the error
   * branch as never taken while all was well and then trapped into the interpreter at every 503 of a spike
   * (a thousand deoptimizations a second in a JFR recording of scripts/bench-spike.sh).
   */
  static int statusClass(int status) {
    return Math.max(0, Math.min(2, status / 100 - 3));
  }

  /**
   * Moves what was recorded since the last call into the slice of the current period (a new one
   * once the last is {@code sliceMillis} old), and forgets slices that ended more than
   * {@code windowMillis} ago: however often it is read, a route keeps at most window / slice + 1 slices.
   */
  synchronized void rotate(long nowMillis, long sliceMillis, long windowMillis) {
    Slice last = slices.peekLast();
    if (last == null || nowMillis - last.startedAt >= sliceMillis) {
      last = new Slice(rotatedAt, new IntCountsHistogram(1, MAX_MICROS, 2));
      slices.addLast(last);
    }
    last.latencies.add(latencies.getIntervalHistogram());
    rotatedAt = nowMillis;
    long total = requests.sum();
    long server = serverErrors.sum();
    long client = clientErrors.sum();
    last.requests += total - requestsBefore;
    last.serverErrors += server - serverErrorsBefore;
    last.clientErrors += client - clientErrorsBefore;
    last.endedAt = nowMillis;
    requestsBefore = total;
    serverErrorsBefore = server;
    clientErrorsBefore = client;
    while (!slices.isEmpty() && slices.peekFirst().endedAt <= nowMillis - windowMillis) {
      slices.pollFirst();
    }
  }

  synchronized int slices() {
    return slices.size();
  }

  /** The window's figures; call right after {@link #rotate} so the slice in progress is included. */
  synchronized JsonObject toJson(long nowMillis) {
    Histogram all = new Histogram(1, MAX_MICROS, 2);
    long count = 0;
    long server = 0;
    long client = 0;
    long since = nowMillis;
    for (Slice slice : slices) {
      all.add(slice.latencies);
      count += slice.requests;
      server += slice.serverErrors;
      client += slice.clientErrors;
      since = Math.min(since, slice.startedAt);
    }
    double seconds = Math.max(1, nowMillis - since) / 1000.0;
    return new JsonObject()
        .put("method", method)
        .put("route", route)
        .put("windowSeconds", Math.round(seconds))
        .put("requests", count)
        .put("ratePerSecond", round(count / seconds))
        .put("errorRate", count == 0 ? 0.0 : round((double) server / count))
        .put("clientErrorRate", count == 0 ? 0.0 : round((double) client / count))
        .put("p50Ms", millis(all, 50))
        .put("p95Ms", millis(all, 95))
        .put("p99Ms", millis(all, 99))
        .put("maxMs", all.getTotalCount() == 0 ? 0.0 : round(all.getMaxValue() / 1000.0))
        .put("totalRequests", requests.sum())
        .put("totalServerErrors", serverErrors.sum());
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0.0 : round(histogram.getValueAtPercentile(percentile) / 1000.0);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
