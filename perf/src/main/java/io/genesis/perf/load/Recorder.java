package io.genesis.perf.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measures. Only touched from the run's event loop, so it needs no locks.
 * A request's latency runs from its intended start (its place in the schedule), not from when it
 * was actually sent, so a server that stalls cannot hide its stall by slowing the load
 * (coordinated omission). Requests intended before the end of the warm-up are not recorded.
 */
public final class Recorder {
  public static final String ALL = "all";
  private final long measureFromNanos;
  private final Stats all = Stats.times();
  private final Map<String, Stats> byName = new LinkedHashMap<>();
  private final Map<Integer, Stats> byStage = new LinkedHashMap<>();
  private final Map<String, Stats> values = new LinkedHashMap<>();
  private final List<JsonObject> timeline = new ArrayList<>();
  private final Histogram interval = new Histogram(3_600_000_000L, 2);
  private long intervalErrors;
  private long intervalStarted;
  private long started;
  private long dropped;
  private long late;
  private long maxLateNanos;

  public Recorder(long measureFromNanos) {
    this.measureFromNanos = measureFromNanos;
  }

  public boolean measured(long intendedNanos) {
    return intendedNanos >= measureFromNanos;
  }

  /**
   * One request, by {@code name} ({@code message}, {@code history}, …), from its intended start to
   * its end; {@code failure} is null for success, else the outcome to count it under: an HTTP status
   * ({@code "429"}), {@code "timeout"}, {@code "connection"} or {@code "protocol"}.
   */
  public void request(String name, int stage, long intendedNanos, long endNanos, String failure) {
    if (!measured(intendedNanos)) {
      return;
    }
    long micros = Math.max(1, (endNanos - intendedNanos) / 1000);
    all.request(micros, failure);
    byName.computeIfAbsent(name, n -> Stats.times()).request(micros, failure);
    byStage.computeIfAbsent(stage, s -> Stats.times()).request(micros, failure);
    interval.recordValue(Math.min(micros, interval.getHighestTrackableValue()));
    if (failure != null) {
      intervalErrors++;
    }
  }

  /**
   * A refusal ({@code 429} or {@code 503}, already recorded by {@link #request}) that came without a
   * {@code Retry-After} header: counted as {@code withoutRetryAfter} beside its status.
   */
  public void withoutRetryAfter(String name, int stage, long intendedNanos) {
    if (!measured(intendedNanos)) {
      return;
    }
    all.withoutRetryAfter();
    byName.computeIfAbsent(name, n -> Stats.times()).withoutRetryAfter();
    byStage.computeIfAbsent(stage, s -> Stats.times()).withoutRetryAfter();
  }

  /** A time measured from a request's intended start, e.g. to the first token. */
  public void time(String metric, long intendedNanos, long atNanos) {
    if (measured(intendedNanos)) {
      values.computeIfAbsent(metric, m -> Stats.times()).record(Math.max(1, (atNanos - intendedNanos) / 1000));
    }
  }

  /** A time from {@code fromNanos} to {@code atNanos} within a request intended at {@code intendedNanos}, e.g. a resume's. */
  public void time(String metric, long intendedNanos, long fromNanos, long atNanos) {
    if (measured(intendedNanos)) {
      values.computeIfAbsent(metric, m -> Stats.times()).record(Math.max(1, (atNanos - fromNanos) / 1000));
    }
  }

  /** An amount in {@code unit}, e.g. a stream's tokens per second. */
  public void amount(String metric, String unit, long intendedNanos, double value) {
    if (measured(intendedNanos)) {
      values.computeIfAbsent(metric, m -> new Stats(100, unit)).record(Math.round(value * 100));
    }
  }

  /** A request was sent ({@code lateNanos} after it was due). */
  void started(long intendedNanos, long lateNanos, long toleranceNanos) {
    if (!measured(intendedNanos)) {
      return;
    }
    started++;
    intervalStarted++;
    if (lateNanos > toleranceNanos) {
      late++;
    }
    maxLateNanos = Math.max(maxLateNanos, lateNanos);
  }

  /** A request was due but not sent: the generator already had its maximum in flight. */
  void dropped(long intendedNanos) {
    if (measured(intendedNanos)) {
      dropped++;
    }
  }

  /** Closes one second of the timeline (latencies by completion time) with the runner's gauges. */
  JsonObject closeInterval(double second, JsonObject gauges) {
    JsonObject point = new JsonObject().put("t", second).put("started", intervalStarted)
        .put("completed", interval.getTotalCount()).put("errors", intervalErrors);
    if (interval.getTotalCount() > 0) {
      point.put("p50", Stats.round(interval.getValueAtPercentile(50) / 1000.0))
          .put("p90", Stats.round(interval.getValueAtPercentile(90) / 1000.0))
          .put("p99", Stats.round(interval.getValueAtPercentile(99) / 1000.0))
          .put("max", Stats.round(interval.getMaxValue() / 1000.0));
    }
    point.mergeIn(gauges);
    timeline.add(point);
    interval.reset();
    intervalErrors = 0;
    intervalStarted = 0;
    return point;
  }

  public Stats all() {
    return all;
  }

  public Stats stage(int index) {
    return byStage.getOrDefault(index, Stats.times());
  }

  public Stats named(String name) {
    return byName.get(name);
  }

  public long started() {
    return started;
  }

  public long dropped() {
    return dropped;
  }

  public long late() {
    return late;
  }

  public double maxLateMillis() {
    return Stats.round(maxLateNanos / 1e6);
  }

  /** Latency per request name ({@code all} first) and the values, over {@code seconds} measured. */
  public JsonObject latencyJson(double seconds) {
    JsonObject latency = new JsonObject().put(ALL, all.toJson(seconds));
    byName.forEach((name, stats) -> latency.put(name, stats.toJson(seconds)));
    return latency;
  }

  public JsonObject valuesJson() {
    JsonObject json = new JsonObject();
    values.forEach((name, stats) -> json.put(name, stats.toJson(0)));
    return json;
  }

  public JsonArray timelineJson() {
    return new JsonArray(new ArrayList<>(timeline));
  }
}
