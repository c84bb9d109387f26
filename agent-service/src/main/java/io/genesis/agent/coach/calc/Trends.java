package io.genesis.agent.coach.calc;

import io.genesis.common.bus.Messages.ProgressView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Trend arithmetic on progress records: the least-squares slope of value against time, per week, over the records
 * of the last weeks before the newest one (the newest record is "now": the same records give the same answer).
 */
public final class Trends {
  static final double SECONDS_PER_WEEK = 7 * 24 * 3600.0;

  private Trends() {}

  /** A trend: the slope per week, the records and the weeks it spans, the first and last values. */
  public record Trend(double perWeek, int points, double weeks, double first, double last) {}

  /**
   * The ordinary least-squares slope of {@code values} against {@code times}, per week: Σ(t−t̄)(v−v̄) / Σ(t−t̄)²
   * with t in weeks. NaN with fewer than two distinct times.
   */
  public static double slopePerWeek(List<Instant> times, List<Double> values) {
    int n = times.size();
    if (n < 2 || values.size() != n) {
      return Double.NaN;
    }
    Instant origin = times.get(0);
    double[] t = new double[n];
    double tMean = 0;
    double vMean = 0;
    for (int i = 0; i < n; i++) {
      t[i] = Duration.between(origin, times.get(i)).getSeconds() / SECONDS_PER_WEEK;
      tMean += t[i];
      vMean += values.get(i);
    }
    tMean /= n;
    vMean /= n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (t[i] - tMean) * (values.get(i) - vMean);
      sxx += (t[i] - tMean) * (t[i] - tMean);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }

  /**
   * The trend of the records (newest first, as stored) dated within {@code weeks} weeks of the newest; null with
   * fewer than two records or no time between them.
   */
  public static Trend over(List<ProgressView> newestFirst, int weeks) {
    if (newestFirst.size() < 2) {
      return null;
    }
    Instant newest = newestFirst.get(0).at();
    Instant since = newest.minus(Duration.ofDays(7L * weeks));
    List<ProgressView> window = new ArrayList<>(newestFirst.stream().filter(r -> !r.at().isBefore(since)).toList());
    Collections.reverse(window);
    if (window.size() < 2) {
      return null;
    }
    double slope = slopePerWeek(window.stream().map(ProgressView::at).toList(), window.stream().map(ProgressView::value).toList());
    if (Double.isNaN(slope)) {
      return null;
    }
    double spanWeeks = Duration.between(window.get(0).at(), newest).getSeconds() / SECONDS_PER_WEEK;
    return new Trend(slope, window.size(), spanWeeks, window.get(0).value(), window.get(window.size() - 1).value());
  }

  /** The mean value of the records dated within {@code days} days of the newest; NaN when none. */
  public static double meanOfLast(List<ProgressView> newestFirst, int days) {
    if (newestFirst.isEmpty()) {
      return Double.NaN;
    }
    Instant since = newestFirst.get(0).at().minus(Duration.ofDays(days));
    return newestFirst.stream().filter(r -> !r.at().isBefore(since)).mapToDouble(ProgressView::value).average().orElse(Double.NaN);
  }
}
