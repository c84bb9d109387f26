package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Schedule;
import io.genesis.perf.load.Stage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * {@code spike}: {@code --base-rate 100} for {@code --before 20s}, a sudden jump to {@code --spike-rate 1500}
 * for {@code --spike 20s}, then the base rate again for {@code --after 20s} (open model). Reports each
 * phase, and how many seconds after the spike the per-second p99 came back within twice the
 * before-phase p99 (recovery).
 */
public final class SpikeScenario implements Scenario {
  private static final int STEADY_SECONDS = 3;

  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    double base = args.number("--base-rate", 100, 0.001);
    double spike = args.number("--spike-rate", 1500, 0.001);
    double before = seconds(args, "--before", 20);
    double during = seconds(args, "--spike", 20);
    double after = seconds(args, "--after", 20);
    List<Stage> stages = List.of(Stage.constant(before, base, "before"), Stage.constant(during, spike, "spike"),
        Stage.constant(after, base, "after"));
    LoadModel model = LoadModel.open(new Schedule(stages), options.warmup().toNanos() / 1e9, options.maxInFlight());
    MixWorkload workload = MixWorkload.from(vertx, options, args);
    return progress -> Runs.run("spike", options, Runs.runner(vertx, options, model, workload, progress))
        .map(summary -> summary.put("result", result(summary, before + during, spike)));
  }

  private static double seconds(Args args, String name, long fallback) {
    return args.duration(name, Duration.ofSeconds(fallback)).toNanos() / 1e9;
  }

  private static JsonObject result(JsonObject summary, double spikeEnd, double spikeRate) {
    JsonArray stages = summary.getJsonArray("stages");
    JsonObject result = new JsonObject().put("spikeRate", spikeRate).put("seeds", Seeds.spike());
    for (int i = 0; i < stages.size(); i++) {
      JsonObject stage = stages.getJsonObject(i);
      JsonObject latency = stage.getJsonObject("latency");
      result.put(stage.getString("label"), new JsonObject().put("count", latency.getLong("count"))
          .put("p50", latency.getDouble("p50")).put("p99", latency.getDouble("p99"))
          .put("errorRate", latency.getDouble("errorRate")));
    }
    Double beforeP99 = stages.getJsonObject(0).getJsonObject("latency").getDouble("p99");
    if (beforeP99 != null) {
      result.put("recoverySeconds", recovery(summary.getJsonArray("timeline"), spikeEnd, 2 * beforeP99));
    }
    return result;
  }

  /**
   * Seconds from the end of the spike to the start of the first {@value #STEADY_SECONDS} seconds in a row
   * with every answer an error-free one and the p99 back under {@code bound} (null: never). A second of
   * fast errors is not a recovery.
   */
  private static Double recovery(JsonArray timeline, double spikeEnd, double bound) {
    int steady = 0;
    for (int i = 0; i < timeline.size(); i++) {
      JsonObject point = timeline.getJsonObject(i);
      double t = point.getDouble("t");
      if (t <= spikeEnd) {
        continue;
      }
      Double p99 = point.getDouble("p99");
      boolean calm = p99 != null && p99 <= bound && point.getLong("errors", 0L) == 0;
      steady = calm ? steady + 1 : 0;
      if (steady == STEADY_SECONDS) {
        return Math.max(0, Math.ceil(t) - STEADY_SECONDS - spikeEnd);
      }
    }
    return null;
  }
}
