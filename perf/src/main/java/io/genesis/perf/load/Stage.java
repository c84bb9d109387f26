package io.genesis.perf.load;

/**
 * A stretch of an arrival schedule: the rate goes linearly from {@code fromRate} to {@code toRate}
 * (requests per second) over {@code seconds}; equal rates hold it constant.
 */
public record Stage(double seconds, double fromRate, double toRate, String label) {
  /** Far beyond what one generator sends; a bound so a typo cannot spin the scheduler. */
  public static final double MAX_RATE = 1_000_000;

  public Stage {
    if (!(seconds >= 0) || !(fromRate >= 0) || !(toRate >= 0) || Double.isInfinite(seconds)
        || fromRate > MAX_RATE || toRate > MAX_RATE) {
      throw new IllegalArgumentException("a stage needs a finite duration and rates from 0 to " + (long) MAX_RATE + "/s");
    }
  }

  public static Stage constant(double seconds, double rate, String label) {
    return new Stage(seconds, rate, rate, label);
  }

  /** Arrivals due in the first {@code t} seconds of the stage: the integral of its rate. */
  double arrivals(double t) {
    return fromRate * t + (toRate - fromRate) * t * t / (2 * seconds);
  }

  /** The time within the stage by which {@code count} arrivals are due (the inverse of {@link #arrivals}). */
  double timeOf(double count) {
    double a = (toRate - fromRate) / (2 * seconds);
    if (Math.abs(a) < 1e-12) {
      return count / fromRate;
    }
    double root = Math.sqrt(Math.max(0, fromRate * fromRate + 4 * a * count));
    return (-fromRate + root) / (2 * a);
  }

  double rateAt(double t) {
    return seconds == 0 ? toRate : fromRate + (toRate - fromRate) * t / seconds;
  }
}
