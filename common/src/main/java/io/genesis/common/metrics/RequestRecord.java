package io.genesis.common.metrics;

import io.vertx.core.json.JsonObject;

/** One finished request, as kept among the slowest: no content, no token, only what locates it. */
public record RequestRecord(String requestId, String method, String route, int status, String userId,
                            long endedAtMillis, long durationNanos, JsonObject stages) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("requestId", requestId)
        .put("method", method)
        .put("route", route)
        .put("status", status)
        .put("userId", userId)
        .put("endedAt", java.time.Instant.ofEpochMilli(endedAtMillis).toString())
        .put("durationMs", RequestTimings.millis(durationNanos))
        .put("stages", stages);
  }
}
