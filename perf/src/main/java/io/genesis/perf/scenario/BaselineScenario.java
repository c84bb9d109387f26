package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Schedule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code baseline}: the seeds' steady load, 100 requests per second for 60 s (open model) of the
 * request mix, reported beside the seeds' p50/p95/p99 at that rate.
 */
public final class BaselineScenario implements Scenario {
  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    LoadModel model = options.model(args, LoadModel.open(Schedule.constant(100, 60), 0, 0));
    MixWorkload workload = MixWorkload.from(vertx, options, args);
    return progress -> Runs.run("baseline", options, Runs.runner(vertx, options, model, workload, progress))
        .map(summary -> summary.put("result", result(summary)));
  }

  private static JsonObject result(JsonObject summary) {
    JsonObject all = summary.getJsonObject("latency").getJsonObject("all");
    JsonObject seeds = Seeds.baseline();
    JsonObject result = new JsonObject().put("seeds", seeds);
    if (all.containsKey("p99")) {
      result.put("p50VsSeeds", ratio(all.getDouble("p50"), seeds.getDouble("p50")))
          .put("p95VsSeeds", ratio(all.getDouble("p95"), seeds.getDouble("p95")))
          .put("p99VsSeeds", ratio(all.getDouble("p99"), seeds.getDouble("p99")));
    }
    return result;
  }

  static double ratio(double ours, double theirs) {
    return theirs == 0 ? 0 : Math.round(ours / theirs * 1000) / 1000.0;
  }
}
