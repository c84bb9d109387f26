package io.genesis.common.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per route template and method: p50/p95/p99, rate and error rates over the last minute, for
 * {@code GET /performance/metrics}. Keyed by template, never by raw path, so it stays small.
 */
public final class RouteStats {
  static final long WINDOW_MILLIS = 60_000;
  static final long SLICE_MILLIS = 10_000;
  private final Map<String, RouteWindow> routes = new ConcurrentHashMap<>();

  public void record(String method, String route, int status, long nanos) {
    RouteWindow window = routes.get(method + ' ' + route);
    if (window == null) {
      window = routes.computeIfAbsent(method + ' ' + route, key -> new RouteWindow(method, route, System.currentTimeMillis()));
    }
    window.record(status, nanos);
  }

  public void rotate(long nowMillis) {
    routes.values().forEach(window -> window.rotate(nowMillis, SLICE_MILLIS, WINDOW_MILLIS));
  }

  /** Every route seen, the busiest first. */
  public JsonArray toJson(long nowMillis) {
    rotate(nowMillis);
    JsonArray out = new JsonArray();
    routes.values().stream().map(window -> window.toJson(nowMillis))
        .sorted(Comparator.comparingLong((JsonObject route) -> route.getLong("requests")).reversed()
            .thenComparing(route -> route.getString("route")))
        .forEach(out::add);
    return out;
  }
}
