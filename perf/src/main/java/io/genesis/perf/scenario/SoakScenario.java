package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Schedule;
import io.genesis.perf.load.Stage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code soak}: a long constant rate ({@code --rate 50 --duration 10m}) cut into {@code --window 1m}
 * windows, each its own stage so its percentiles are exact. Reports the drift of p99 from the first
 * window to the last, and of the server's resident memory ({@code --server-pid}) between the first
 * and the last window: a leak shows as memory climbing window after window.
 */
public final class SoakScenario implements Scenario {
  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    double rate = args.number("--rate", 50, 0.001);
    double seconds = args.duration("--duration", Duration.ofMinutes(10)).toNanos() / 1e9;
    double window = args.duration("--window", Duration.ofMinutes(1)).toNanos() / 1e9;
    if (window > seconds || window < 1) {
      throw new IllegalArgumentException("--window must be from 1s to --duration");
    }
    List<Stage> stages = new ArrayList<>();
    for (double start = 0; start < seconds - 1e-9; start += window) {
      double length = Math.min(window, seconds - start);
      stages.add(Stage.constant(length, rate, Math.round(start) + "–" + Math.round(start + length) + "s"));
    }
    LoadModel model = LoadModel.open(new Schedule(stages), options.warmup().toNanos() / 1e9, options.maxInFlight());
    MixWorkload workload = MixWorkload.from(vertx, options, args);
    return progress -> Runs.run("soak", options, Runs.runner(vertx, options, model, workload, progress))
        .map(summary -> summary.put("result", result(summary, window)));
  }

  private static JsonObject result(JsonObject summary, double window) {
    JsonArray stages = summary.getJsonArray("stages");
    JsonArray windows = new JsonArray();
    for (int i = 0; i < stages.size(); i++) {
      JsonObject latency = stages.getJsonObject(i).getJsonObject("latency");
      if (latency.getLong("count") > 0) {
        windows.add(new JsonObject().put("window", stages.getJsonObject(i).getString("label"))
            .put("count", latency.getLong("count")).put("p50", latency.getDouble("p50"))
            .put("p99", latency.getDouble("p99")).put("errorRate", latency.getDouble("errorRate"))
            .put("serverRssMb", meanRss(summary.getJsonArray("timeline"), i * window, (i + 1) * window)));
      }
    }
    JsonObject result = new JsonObject().put("windows", windows);
    if (windows.size() >= 2) {
      JsonObject first = windows.getJsonObject(0);
      JsonObject last = windows.getJsonObject(windows.size() - 1);
      result.put("p99Drift", new JsonObject().put("firstMillis", first.getDouble("p99"))
          .put("lastMillis", last.getDouble("p99"))
          .put("changeMillis", Math.round((last.getDouble("p99") - first.getDouble("p99")) * 100) / 100.0));
      Double firstRss = first.getDouble("serverRssMb");
      Double lastRss = last.getDouble("serverRssMb");
      if (firstRss != null && lastRss != null) {
        result.put("memoryDrift", new JsonObject().put("firstMb", firstRss).put("lastMb", lastRss)
            .put("changeMb", Math.round((lastRss - firstRss) * 10) / 10.0));
      }
    }
    return result;
  }

  /** The mean server memory over timeline seconds in (from, to], or null without {@code --server-pid}. */
  private static Double meanRss(JsonArray timeline, double from, double to) {
    double sum = 0;
    int count = 0;
    for (int i = 0; i < timeline.size(); i++) {
      JsonObject point = timeline.getJsonObject(i);
      double t = point.getDouble("t");
      if (t > from && t <= to && point.containsKey("serverRssMb")) {
        sum += point.getDouble("serverRssMb");
        count++;
      }
    }
    return count == 0 ? null : Math.round(sum / count * 10) / 10.0;
  }
}
