package io.genesis.perf.scenario;

import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.LoadRunner;
import io.genesis.perf.load.ProcessMemory;
import io.genesis.perf.load.Workload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Consumer;

/** Builds the runner for a scenario and labels its summary. */
public final class Runs {
  private Runs() {}

  public static LoadRunner runner(Vertx vertx, RunOptions options, LoadModel model, Workload workload,
                                  Consumer<JsonObject> progress) {
    ProcessMemory server = options.serverPid() == null ? null : new ProcessMemory(vertx, options.serverPid());
    double drainSeconds = Math.min(30, options.timeout().toMillis() / 1000.0 + 1);
    return new LoadRunner(vertx, workload, model, options.lateTolerance().toNanos(), drainSeconds, server)
        .onProgress(progress);
  }

  /** Runs and returns the summary with the scenario's name, target and start time first. */
  public static Future<JsonObject> run(String scenario, RunOptions options, LoadRunner runner) {
    String startedAt = Instant.now().toString();
    return runner.run().map(summary -> new JsonObject().put("scenario", scenario)
        .put("target", options.target().toString()).put("against", options.against().name().toLowerCase())
        .put("startedAt", startedAt).mergeIn(summary));
  }
}
