package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.LoadRunner;
import io.genesis.perf.load.Schedule;
import io.genesis.perf.load.Stage;
import io.genesis.perf.load.Stats;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stress}: a staircase of constant rates ({@code --start-rate 100 --step 100 --step-duration 10s
 * --max-rate 3000}) that stops at the first step the server does not hold: more than 1 % of its
 * requests over {@code --p99-limit} (default 100 ms, so its p99 is over the limit) or more than
 * {@code --error-limit} (default 1 %) failing. A step is judged {@code --p99-limit} after it ends:
 * a request of that step still unanswered then is already over the limit, so a server that stops
 * answering is caught without waiting for its timeouts. Reports the highest rate held.
 */
public final class StressScenario implements Scenario {
  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    double start = args.number("--start-rate", 100, 0.001);
    double step = args.number("--step", 100, 0.001);
    double max = args.number("--max-rate", 3000, start);
    double stepSeconds = args.duration("--step-duration", Duration.ofSeconds(10)).toNanos() / 1e9;
    Duration limit = args.duration("--p99-limit", Duration.ofMillis(100));
    double errorLimit = args.ratio("--error-limit", 0.01);
    if (stepSeconds < 1) {
      throw new IllegalArgumentException("--step-duration must be at least 1s: a step is judged on its own requests");
    }
    if ((max - start) / step > 1000) {
      throw new IllegalArgumentException("--step is too small for --max-rate: more than 1,000 steps");
    }
    List<Stage> stages = new ArrayList<>();
    for (double rate = start; rate <= max + 1e-9; rate += step) {
      stages.add(Stage.constant(stepSeconds, rate, Math.round(rate) + "/s"));
    }
    Schedule schedule = new Schedule(stages);
    LoadModel model = LoadModel.open(schedule, options.warmup().toNanos() / 1e9, options.maxInFlight());
    MixWorkload workload = MixWorkload.from(vertx, options, args);
    return progress -> {
      LoadRunner runner = Runs.runner(vertx, options, model, workload, progress);
      JsonArray steps = new JsonArray();
      int[] ended = {0};
      runner.onStageEnd(index -> {
        ended[0] = index + 1;
        vertx.setTimer(Math.max(1, limit.toMillis()), id -> {
          if (steps.size() == index) {
            JsonObject judged = judge(stages.get(index), schedule.arrivalsIn(index), runner.recorder().stage(index),
                limit, errorLimit);
            steps.add(judged);
            if (!judged.getBoolean("held")) {
              runner.stop();
            }
          }
        });
      });
      return Runs.run("stress", options, runner).map(summary -> {
        for (int i = steps.size(); i < ended[0]; i++) {
          steps.add(judge(stages.get(i), schedule.arrivalsIn(i), runner.recorder().stage(i), limit, errorLimit));
        }
        return summary.put("result", result(steps, limit, errorLimit, summary));
      });
    };
  }

  /** Whether a step held: requests due in it that are unanswered, or answered over the limit, at most 1 %. */
  static JsonObject judge(Stage stage, long due, Stats stats, Duration limit, double errorLimit) {
    long answered = stats.count();
    long unanswered = Math.max(0, due - answered);
    long slow = stats.countAtOrAbove(limit.toNanos() / 1e6) + unanswered;
    double slowShare = due == 0 ? 0 : (double) slow / due;
    double errorShare = due == 0 ? 0 : (double) (stats.errorCount() + unanswered) / due;
    boolean held = slowShare <= 0.01 && errorShare <= errorLimit;
    JsonObject json = new JsonObject().put("rate", stage.toRate()).put("due", due).put("answered", answered)
        .put("unansweredAtJudgement", unanswered).put("overLimitShare", Math.round(slowShare * 10000) / 10000.0)
        .put("errorShare", Math.round(errorShare * 10000) / 10000.0);
    if (answered > 0) {
      json.put("p50", stats.at(50)).put("p99", stats.at(99));
    }
    return json.put("held", held);
  }

  private static JsonObject result(JsonArray steps, Duration limit, double errorLimit, JsonObject summary) {
    double highest = 0;
    Double breaking = null;
    for (int i = 0; i < steps.size(); i++) {
      JsonObject step = steps.getJsonObject(i);
      if (step.getBoolean("held") && breaking == null) {
        highest = step.getDouble("rate");
      } else if (breaking == null) {
        breaking = step.getDouble("rate");
      }
    }
    JsonObject result = new JsonObject().put("highestRateHeld", highest).put("p99LimitMillis", limit.toMillis())
        .put("errorLimit", errorLimit).put("seeds", Seeds.stress());
    if (breaking != null) {
      result.put("brokeAt", breaking);
    } else {
      result.put("brokeAt", (Object) null).put("note", "held every step up to --max-rate; raise it to find the breaking point");
    }
    if (summary.getLong("dropped", 0L) > 0 || summary.getJsonObject("late").getLong("count") > summary.getLong("started") / 100) {
      result.put("generatorSaturated", true);
    }
    return result.put("steps", steps);
  }
}
