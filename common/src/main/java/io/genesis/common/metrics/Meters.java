package io.genesis.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumSet;

/**
 * The process's Micrometer registry (Prometheus), shared by Vert.x's own metrics and GENESIS's. With
 * metrics off, {@link #registry()} is a registry with no backend: meters registered on it record
 * nothing, so code instruments itself the same way either way.
 */
public final class Meters {
  /** Prefix of every meter GENESIS registers itself (Prometheus names start {@code genesis_}). */
  public static final String PREFIX = "genesis.";
  private static final MeterRegistry NONE = new CompositeMeterRegistry();
  private static final String MAP = "genesis.metrics";
  private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
      "TRACE", "CONNECT");
  private static final String REGISTRY_KEY = "registry";
  /** Timers that get Prometheus histogram buckets ({@code _bucket} series). */
  public static final Set<String> LATENCY_HISTOGRAMS = Set.of("vertx.http.server.response.time",
      "vertx.http.client.response.time", "vertx.sql.processing.time", "vertx.redis.processing.time",
      "vertx.pool.queue.time", "genesis.stream.first.token", "genesis.handoff.latency");
  private static final DistributionStatisticConfig LATENCY_BUCKETS = DistributionStatisticConfig.builder()
      .percentilesHistogram(false)
      .serviceLevelObjectives(Stream.of(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
          .mapToDouble(ms -> Duration.ofNanos((long) (ms.doubleValue() * 1_000_000)).toNanos()).toArray())
      .build();

  private Meters() {
  }

  /**
   * The registry, set up before any meter exists: route labels as the template the request matched
   * (Vert.x Web joins the templates of every route a request passed through with {@code >}; the last
   * is the one that answered), per-stream event-bus addresses folded into one series per kind, and
   * histogram buckets only on the latencies dashboards take quantiles of.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(MeterFilter.replaceTagValues("route", Meters::lastRoute))
        .meterFilter(MeterFilter.replaceTagValues("method", Meters::method))
        .meterFilter(MeterFilter.replaceTagValues("address", Meters::addressKind))
        .meterFilter(new MeterFilter() {
          @Override
          public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            return LATENCY_HISTOGRAMS.contains(id.getName()) ? LATENCY_BUCKETS.merge(config) : config;
          }
        });
    return registry;
  }

  /**
   * The HTTP method, or {@code OTHER}: a server accepts any token as a method, and a client inventing
   * one per request must not invent a series (or a figures entry) per request.
   */
  public static String method(String method) {
    return STANDARD_METHODS.contains(method) ? method : "OTHER";
  }

  static String lastRoute(String route) {
    return route.substring(route.lastIndexOf('>') + 1);
  }

  /**
   * {@code genesis.gateway.stream.inbox.<uuid>} → {@code genesis.gateway.stream.inbox.*}. Vert.x maps the
   * address of every event-bus message it counts, so this is on the path of every streamed delta: a
   * character test, not a regular expression: a final {@code .} and 36 characters, 8 hex digits, {@code -},
   * then hex digits and hyphens.
   */
  static String addressKind(String address) {
    int uuid = address.length() - 36;
    if (uuid < 1 || address.charAt(uuid - 1) != '.') {
      return address;
    }
    for (int i = uuid; i < address.length(); i++) {
      char c = address.charAt(i);
      boolean ok = i < uuid + 8 ? hex(c) : i == uuid + 8 ? c == '-' : hex(c) || c == '-';
      if (!ok) {
        return address;
      }
    }
    return address.substring(0, uuid) + "*";
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /**
   * Vert.x metrics with the labels an operator slices by: route template (never the raw path, whose
   * ids would make a series per session), method and status; event-bus address; pool type and name.
   */
  public static MicrometerMetricsOptions options(boolean enabled, String registryName) {
    return new MicrometerMetricsOptions()
        .setEnabled(enabled)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS,
            Label.EB_FAILURE, Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /**
   * Names the registry of {@code vertx}: each Vert.x instance has its own, so several GENESIS in one
   * JVM (tests, or services started side by side) never mix their figures.
   */
  public static void register(Vertx vertx, String registryName) {
    vertx.sharedData().getLocalMap(MAP).put(REGISTRY_KEY, registryName);
  }

  /** The name of the registry of {@code vertx}, or null when its metrics are off. */
  public static String registryName(Vertx vertx) {
    return (String) vertx.sharedData().getLocalMap(MAP).get(REGISTRY_KEY);
  }

  /** The registry of {@code vertx}; a do-nothing one when metrics are off. */
  public static MeterRegistry registry(Vertx vertx) {
    String name = registryName(vertx);
    MeterRegistry registry = name == null ? null : BackendRegistries.getNow(name);
    return registry == null ? NONE : registry;
  }

  public static boolean enabled(Vertx vertx) {
    return registry(vertx) != NONE;
  }

  /** Open file descriptors, which Vert.x's JVM metrics leave out (they bind uptime and CPU themselves). */
  public static void bindProcessMetrics(Vertx vertx) {
    new FileDescriptorMetrics().bindTo(registry(vertx));
  }
}
