package io.genesis.perf.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Hand-built run summaries shaped like {@code LoadRunner}'s, for the report tests. */
final class Summaries {
  private Summaries() {}

  static JsonObject stats(double p50, double p99, long count, long errors) {
    JsonObject stats = new JsonObject().put("unit", "ms").put("count", count).put("rate", count / 60.0)
        .put("errors", errors).put("errorRate", count == 0 ? 0.0 : Math.round((double) errors / count * 1e6) / 1e6);
    if (count > 0) {
      stats.put("mean", p50 * 1.1).put("min", p50 / 4).put("p50", p50).put("p90", p50 + (p99 - p50) / 2)
          .put("p95", p50 + (p99 - p50) * 3 / 4)
          .put("p99", p99).put("p99.9", p99 * 1.5).put("max", p99 * 2);
    }
    return stats;
  }

  /** A clean open-model baseline: 6000 requests at 100/s for 60 s, 2 errors, 3 late, nothing dropped. */
  static JsonObject baseline() {
    JsonObject all = stats(3.2, 12.0, 6000, 2)
        .put("errorsByOutcome", new JsonObject().put("429", 1).put("timeout", 1));
    JsonArray timeline = new JsonArray();
    for (int t = 1; t <= 60; t++) {
      JsonObject point = new JsonObject().put("t", (double) t).put("started", 100).put("completed", t == 30 ? 0 : 99 + t % 3)
          .put("errors", t == 10 ? 2 : 0).put("inFlight", 1 + t % 4).put("targetRate", 100.0)
          .put("serverRssMb", 500.0 + t / 2.0);
      if (t != 30) {
        point.put("p50", 3.0 + t % 5 / 10.0).put("p90", 6.0).put("p99", 10.0 + t % 7).put("max", t == 45 ? 900.0 : 20.0);
      }
      timeline.add(point);
    }
    return new JsonObject()
        .put("scenario", "baseline").put("target", "http://127.0.0.1:8080").put("against", "genesis")
        .put("startedAt", "2026-12-06T17:30:00Z")
        .put("model", new JsonObject().put("type", "open").put("seconds", 60.0).put("warmupSeconds", 5.0)
            .put("stages", new JsonArray().add(stage("100/s", 60, 100, 100))).put("arrivals", 6000).put("maxInFlight", 10000))
        .put("measuredSeconds", 60.0).put("scheduled", 6000).put("started", 6000).put("completed", 6000)
        .put("unfinished", 0).put("dropped", 0)
        .put("late", new JsonObject().put("count", 3).put("maxMillis", 12.5).put("toleranceMillis", 10.0))
        .put("maxInFlight", 7)
        .put("rate", new JsonObject().put("target", 100.0).put("achieved", 99.97))
        .put("latency", new JsonObject().put("all", all).put("message", stats(4.0, 250.0, 4000, 2))
            .put("history", stats(2.0, 8.0, 2000, 0)))
        .put("values", new JsonObject()
            .put("ttft", value(stats(120.0, 420.0, 4000, 0)))
            .put("tokensPerSecond", value(stats(35.0, 60.0, 4000, 0)).put("unit", "tokens/s")))
        .put("stages", new JsonArray().add(stage("100/s", 60, 100, 100).put("latency", stats(3.2, 12.0, 6000, 2))))
        .put("timeline", timeline)
        .put("server", new JsonObject().put("pid", 123).put("rssMbFirst", 500.5).put("rssMbLast", 530.0).put("rssMbMax", 531.0))
        .put("result", new JsonObject().put("highestRateHeld", 900).put("p99LimitMillis", 100)
            .put("steps", new JsonArray()
                .add(new JsonObject().put("rate", 800).put("p99", 40.5).put("errorRate", 0.0).put("held", true))
                .add(new JsonObject().put("rate", 900).put("p99", 85.0).put("errorRate", 0.001).put("held", true))
                .add(new JsonObject().put("rate", 1000).put("p99", 310.0).put("errorRate", 0.02).put("held", false))));
  }

  /** A closed model: 10 virtual users, no schedule, so no target rate, no scheduled count and no stages. */
  static JsonObject closed() {
    JsonObject summary = baseline();
    summary.put("model", new JsonObject().put("type", "closed").put("vus", 10).put("seconds", 60.0).put("warmupSeconds", 0.0));
    summary.remove("scheduled");
    summary.remove("stages");
    summary.put("rate", new JsonObject().put("achieved", 99.97));
    return summary;
  }

  /** A value series has no rate (Stats.toJson(0)). */
  static JsonObject value(JsonObject stats) {
    stats.remove("rate");
    return stats;
  }

  static JsonObject stage(String label, double seconds, double from, double to) {
    return new JsonObject().put("label", label).put("seconds", seconds).put("fromRate", from).put("toRate", to);
  }
}
