package io.genesis.perf.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How load arrives. Open: requests start on {@code schedule} whatever the server does, at most
 * {@code maxInFlight} at once (beyond that a due request is counted as dropped, never silently
 * delayed). Closed: {@code vus} virtual users, each starting its next iteration when its last ended,
 * for {@code seconds} or {@code iterations}, whichever comes first; a slow server slows such a load
 * down, which is why its latencies can hide a stall.
 */
public record LoadModel(Schedule schedule, int vus, double seconds, long iterations, double warmupSeconds,
                        int maxInFlight) {
  public static LoadModel open(Schedule schedule, double warmupSeconds, int maxInFlight) {
    return new LoadModel(schedule, 0, schedule.totalSeconds(), Long.MAX_VALUE, warmupSeconds, maxInFlight);
  }

  public static LoadModel closed(int vus, double seconds, long iterations, double warmupSeconds) {
    return new LoadModel(null, vus, seconds, iterations, warmupSeconds, vus);
  }

  public boolean isOpen() {
    return schedule != null;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", isOpen() ? "open" : "closed").put("seconds", seconds)
        .put("warmupSeconds", warmupSeconds);
    if (isOpen()) {
      JsonArray stages = new JsonArray();
      schedule.stages().forEach(stage -> stages.add(new JsonObject().put("label", stage.label())
          .put("seconds", stage.seconds()).put("fromRate", stage.fromRate()).put("toRate", stage.toRate())));
      json.put("stages", stages).put("arrivals", schedule.totalArrivals()).put("maxInFlight", maxInFlight);
    } else {
      json.put("vus", vus);
      if (iterations != Long.MAX_VALUE) {
        json.put("iterations", iterations);
      }
    }
    return json;
  }
}
