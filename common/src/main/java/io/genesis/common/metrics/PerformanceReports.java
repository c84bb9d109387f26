package io.genesis.common.metrics;

import io.genesis.common.bus.Addresses;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The JSON of {@code /performance/*}: this process's request figures ({@link Observatory}), its
 * pools and event bus (read from the Micrometer registry), and the session service's cache figures
 * (asked over the event bus, so a gateway deployed alone still reports them).
 */
public final class PerformanceReports {
  private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(2_000);

  private final Vertx vertx;
  private final Observatory observatory;
  private final MeterRegistry registry;

  public PerformanceReports(Vertx vertx) {
    this.vertx = vertx;
    this.observatory = Observatory.of(vertx);
    this.registry = Meters.registry(vertx);
  }

  public Future<JsonObject> metrics() {
    return cacheAnalysis().map(caches -> new JsonObject()
        .put("metricsEnabled", Meters.enabled(vertx))
        .put("routes", observatory.routes().toJson(System.currentTimeMillis()))
        .put("streams", new JsonObject().put("active", observatory.activeStreams()))
        .put("caches", caches.getJsonArray("caches"))
        .put("pools", pools())
        .put("eventBus", eventBus()));
  }

  public JsonObject slowRequests(int limit) {
    return new JsonObject()
        .put("capacity", SlowRequests.CAPACITY)
        .put("items", observatory.slowRequests().slowest(limit));
  }

  /** One row per cache and layer; the session service's through the bus, this process's Caffeine caches from the registry. */
  public Future<JsonObject> cacheAnalysis() {
    return vertx.eventBus().<JsonObject>request(Addresses.SESSION_CACHE_STATS, new JsonObject(), ASK)
        .map(reply -> sessionCaches(reply.body()))
        .otherwise(failure -> new JsonArray())
        .map(rows -> {
          boolean sessionAnswered = !rows.isEmpty();
          localCaches().forEach(rows::add);
          return new JsonObject().put("caches", rows).put("sessionService", sessionAnswered ? "answered" : "unavailable");
        });
  }

  /** {@code {sessions:{l1:{…},l2:{…},hitRatio}, messages:{…}}} → rows. */
  private static JsonArray sessionCaches(JsonObject stats) {
    JsonArray rows = new JsonArray();
    for (String cache : stats.fieldNames()) {
      JsonObject figures = stats.getJsonObject(cache);
      for (String layer : new String[] {"l1", "l2"}) {
        JsonObject one = figures.getJsonObject(layer);
        rows.add(row("session-service", cache, layer, one.getLong("hits"), one.getLong("misses")));
      }
      rows.add(row("session-service", cache, "both", figures.getJsonObject("l1").getLong("hits")
          + figures.getJsonObject("l2").getLong("hits"), figures.getJsonObject("l2").getLong("misses")));
    }
    return rows;
  }

  private JsonArray localCaches() {
    Map<String, long[]> byCache = new TreeMap<>();
    for (FunctionCounter counter : registry.find("cache.gets").functionCounters()) {
      long[] counts = byCache.computeIfAbsent(counter.getId().getTag("cache"), name -> new long[2]);
      counts["hit".equals(counter.getId().getTag("result")) ? 0 : 1] += (long) counter.count();
    }
    JsonArray rows = new JsonArray();
    byCache.forEach((cache, counts) -> rows.add(row("local", cache, "caffeine", counts[0], counts[1])));
    return rows;
  }

  private static JsonObject row(String owner, String cache, String layer, long hits, long misses) {
    long total = hits + misses;
    return new JsonObject().put("owner", owner).put("cache", cache).put("layer", layer)
        .put("hits", hits).put("misses", misses).put("hitRatio", total == 0 ? 0.0 : (double) hits / total);
  }

  /** Every connection and worker pool of this process: in use, waiting, usage ratio, time waited. */
  private JsonArray pools() {
    Map<String, JsonObject> pools = new TreeMap<>();
    gauges("vertx.pool.in.use", pools, "inUse");
    gauges("vertx.pool.queue.pending", pools, "waiting");
    gauges("vertx.pool.ratio", pools, "usageRatio");
    for (Timer timer : registry.find("vertx.pool.queue.time").timers()) {
      pool(pools, timer.getId()).put("waitMeanMs", round(timer.mean(TimeUnit.MILLISECONDS)))
          .put("waitMaxMs", round(timer.max(TimeUnit.MILLISECONDS)));
    }
    return new JsonArray(pools.values().stream().map(Object.class::cast).toList());
  }

  private void gauges(String name, Map<String, JsonObject> pools, String field) {
    for (Gauge gauge : registry.find(name).gauges()) {
      pool(pools, gauge.getId()).put(field, round(gauge.value()));
    }
  }

  private static JsonObject pool(Map<String, JsonObject> pools, Meter.Id id) {
    String type = id.getTag("pool_type");
    String name = id.getTag("pool_name");
    return pools.computeIfAbsent(type + "/" + name, key -> new JsonObject().put("type", type).put("name", name));
  }

  /** Totals, and the addresses with messages waiting. */
  private JsonObject eventBus() {
    JsonObject pendingByAddress = new JsonObject();
    double pending = 0;
    for (Gauge gauge : registry.find("vertx.eventbus.pending").gauges()) {
      pending += gauge.value();
      if (gauge.value() > 0) {
        pendingByAddress.put(gauge.getId().getTag("address"), (long) gauge.value());
      }
    }
    return new JsonObject()
        .put("handlers", (long) sumGauges("vertx.eventbus.handlers"))
        .put("pending", (long) pending)
        .put("processed", (long) sumCounters("vertx.eventbus.processed"))
        .put("replyFailures", (long) sumCounters("vertx.eventbus.reply.failures"))
        .put("pendingByAddress", pendingByAddress);
  }

  private double sumGauges(String name) {
    return registry.find(name).gauges().stream().mapToDouble(Gauge::value).sum();
  }

  private double sumCounters(String name) {
    return registry.find(name).counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private static double round(double value) {
    return Double.isNaN(value) ? 0.0 : Math.round(value * 1000) / 1000.0;
  }
}
