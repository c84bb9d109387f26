package io.genesis.perf.scenario;

import io.vertx.core.json.JsonObject;

/** The figures of the Python stack GENESIS replaces, as its k6 runs reported them, to print beside ours. */
public final class Seeds {
  private Seeds() {}

  public static JsonObject baseline() {
    return new JsonObject().put("rate", 100).put("p50", 67.2).put("p95", 234.8).put("p99", 456.1);
  }

  public static JsonObject stress() {
    return new JsonObject().put("breakingRate", 1000);
  }

  public static JsonObject spike() {
    return new JsonObject().put("spikeRate", 1500);
  }

  public static JsonObject streaming() {
    return new JsonObject().put("concurrentConversations", 15);
  }
}
