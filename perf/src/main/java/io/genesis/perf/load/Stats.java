package io.genesis.perf.load;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Counts, errors by outcome and an HdrHistogram of one series (all requests, one request name, one
 * stage, or a value such as time to first token). Values are stored as integers scaled by
 * {@code scale} (microseconds for times, so they read back in milliseconds; hundredths for amounts).
 */
public final class Stats {
  static final String[] PERCENTILES = {"p50", "p90", "p95", "p99", "p99.9"};
  private static final double[] LEVELS = {50, 90, 95, 99, 99.9};
  private final Histogram histogram;
  private final double scale;
  private final String unit;
  private final Map<String, Long> errors = new TreeMap<>();
  /** Requests only: the successful ones and the failed ones apart (a fast refusal must not hide a slow success). */
  private Histogram succeeded;
  private Histogram failed;
  private long errorCount;
  private long withoutRetryAfter;

  Stats(double scale, String unit) {
    this.histogram = new Histogram(3_600_000_000L, 3);
    this.scale = scale;
    this.unit = unit;
  }

  static Stats times() {
    return new Stats(1000, "ms");
  }

  void record(long value) {
    histogram.recordValue(Math.max(0, Math.min(value, histogram.getHighestTrackableValue())));
  }

  void error(String outcome) {
    errorCount++;
    errors.merge(outcome, 1L, Long::sum);
  }

  /** One request: its time, and its failure outcome or null for a success. */
  void request(long micros, String failure) {
    record(micros);
    if (succeeded == null) {
      succeeded = new Histogram(3_600_000_000L, 3);
      failed = new Histogram(3_600_000_000L, 3);
    }
    Histogram part = failure == null ? succeeded : failed;
    part.recordValue(Math.max(0, Math.min(micros, part.getHighestTrackableValue())));
    if (failure != null) {
      error(failure);
    }
  }

  /** A 429 or 503 that came without a {@code Retry-After} header (already counted by its status). */
  void withoutRetryAfter() {
    withoutRetryAfter++;
  }

  public long count() {
    return histogram.getTotalCount();
  }

  public long errorCount() {
    return errorCount;
  }

  /** A value read back in the series' unit (milliseconds for times). */
  public double at(double percentile) {
    return round(histogram.getValueAtPercentile(percentile) / scale);
  }

  public long countAtOrAbove(double value) {
    long scaled = Math.round(value * scale);
    return scaled > histogram.getMaxValue() ? 0 : histogram.getCountBetweenValues(scaled, histogram.getMaxValue());
  }

  /** The summary: count, rate over {@code seconds}, mean, min, percentiles, max, errors by outcome. */
  public JsonObject toJson(double seconds) {
    long count = count();
    JsonObject json = new JsonObject().put("unit", unit).put("count", count);
    if (seconds > 0) {
      json.put("rate", round(count / seconds));
    }
    json.put("errors", errorCount).put("errorRate", count == 0 ? 0.0 : roundRatio((double) errorCount / count));
    if (!errors.isEmpty()) {
      json.put("errorsByOutcome", new JsonObject(new TreeMap<>(errors)));
    }
    if (errors.containsKey("429") || errors.containsKey("503")) {
      json.put("withoutRetryAfter", withoutRetryAfter);
    }
    if (count > 0) {
      json.put("mean", round(histogram.getMean() / scale)).put("min", round(histogram.getMinValue() / scale));
      for (int i = 0; i < LEVELS.length; i++) {
        json.put(PERCENTILES[i], at(LEVELS[i]));
      }
      json.put("max", round(histogram.getMaxValue() / scale));
    }
    if (succeeded != null) {
      json.put("succeeded", part(succeeded));
      if (failed.getTotalCount() > 0) {
        json.put("failed", part(failed));
      }
    }
    return json;
  }

  /** Count, p50, p90, p99, p99.9 and max of one part of a request series. */
  private JsonObject part(Histogram part) {
    JsonObject json = new JsonObject().put("count", part.getTotalCount());
    if (part.getTotalCount() > 0) {
      json.put("p50", round(part.getValueAtPercentile(50) / scale)).put("p90", round(part.getValueAtPercentile(90) / scale))
          .put("p99", round(part.getValueAtPercentile(99) / scale)).put("p99.9", round(part.getValueAtPercentile(99.9) / scale))
          .put("max", round(part.getMaxValue() / scale));
    }
    return json;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static double roundRatio(double value) {
    return Math.round(value * 1_000_000) / 1_000_000.0;
  }
}
