package io.genesis.perf.load;

import io.genesis.perf.cli.Durations;
import java.util.ArrayList;
import java.util.List;

/**
 * When each request of an open-model run is due: the k-th arrival (from 0) is due at the instant
 * k + 1 arrivals have accrued under the stages' rates, whatever the server is doing. A constant
 * 100/s for 60 s is exactly 6,000 arrivals, 10 ms apart.
 */
public final class Schedule {
  private final List<Stage> stages;
  private final double[] startSeconds;
  private final double[] startArrivals;
  private final double totalSeconds;
  private final double totalArrivals;

  public Schedule(List<Stage> stages) {
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a schedule needs at least one stage");
    }
    this.stages = List.copyOf(stages);
    startSeconds = new double[stages.size()];
    startArrivals = new double[stages.size()];
    double seconds = 0;
    double arrivals = 0;
    for (int i = 0; i < stages.size(); i++) {
      startSeconds[i] = seconds;
      startArrivals[i] = arrivals;
      Stage stage = stages.get(i);
      if (stage.seconds() > 0) {
        arrivals += stage.arrivals(stage.seconds());
        seconds += stage.seconds();
      }
    }
    totalSeconds = seconds;
    totalArrivals = arrivals;
  }

  public static Schedule constant(double rate, double seconds) {
    return new Schedule(List.of(Stage.constant(seconds, rate, rate(rate))));
  }

  /**
   * k6's ramping stages, {@code 30s:100,60s:1000,30s:0}: each ramps linearly from the rate before it
   * (at first {@code startRate}) to its own over its duration; a {@code 0s} stage jumps.
   */
  public static Schedule parse(String text, double startRate) {
    List<Stage> stages = new ArrayList<>();
    double from = startRate;
    for (String part : text.split(",")) {
      String[] pieces = part.trim().split(":");
      if (pieces.length != 2) {
        throw new IllegalArgumentException("--stages takes DURATION:RATE pairs like 30s:100,60s:1000, got '" + part + "'");
      }
      double seconds = Durations.parse("--stages", pieces[0]).toNanos() / 1e9;
      double to;
      try {
        to = Double.parseDouble(pieces[1].trim().replace("/s", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--stages rate must be a number, got '" + pieces[1] + "'");
      }
      String label = from == to ? rate(to) : rate(from) + "→" + rate(to);
      stages.add(new Stage(seconds, from, to, label));
      from = to;
    }
    return new Schedule(stages);
  }

  static String rate(double rate) {
    return (rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate)) + "/s";
  }

  public List<Stage> stages() {
    return stages;
  }

  public double totalSeconds() {
    return totalSeconds;
  }

  /** Every arrival of the schedule. */
  public long totalArrivals() {
    return (long) Math.floor(totalArrivals + 1e-9);
  }

  /** Arrivals due by {@code seconds} into the run. */
  public long dueBy(double seconds) {
    if (seconds >= totalSeconds) {
      return totalArrivals();
    }
    int i = stageIndexAt(seconds);
    return (long) Math.floor(startArrivals[i] + stages.get(i).arrivals(seconds - startSeconds[i]) + 1e-9);
  }

  /** When arrival {@code k} (from 0) is due, in seconds into the run. */
  public double dueAt(long k) {
    int i = stageOfArrival(k);
    return startSeconds[i] + stages.get(i).timeOf(k + 1 - startArrivals[i]);
  }

  /** The stage arrival {@code k} belongs to (one due exactly at a stage's end belongs to that stage). */
  public int stageOfArrival(long k) {
    double count = k + 1;
    int i = stages.size() - 1;
    while (i > 0 && startArrivals[i] >= count) {
      i--;
    }
    while (stages.get(i).seconds() == 0 && i < stages.size() - 1) {
      i++;
    }
    return i;
  }

  /** How many arrivals stage {@code index} holds. */
  public long arrivalsIn(int index) {
    double end = index + 1 < stages.size() ? startArrivals[index + 1] : totalArrivals;
    return (long) Math.floor(end + 1e-9) - (long) Math.floor(startArrivals[index] + 1e-9);
  }

  /** The stage running at {@code seconds} (the last one past the end). */
  public int stageIndexAt(double seconds) {
    for (int i = stages.size() - 1; i >= 0; i--) {
      if (seconds >= startSeconds[i] && stages.get(i).seconds() > 0) {
        return i;
      }
    }
    return 0;
  }

  public double stageStart(int index) {
    return startSeconds[index];
  }

  public double rateAt(double seconds) {
    int i = stageIndexAt(Math.min(seconds, totalSeconds));
    return stages.get(i).rateAt(Math.min(seconds - startSeconds[i], stages.get(i).seconds()));
  }
}
