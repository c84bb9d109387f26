package io.genesis.gateway.health;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.error.Problem;
import io.genesis.common.error.Problem.FieldError;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Problems;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready}: asks each service over the
 * event bus, so it proves the bus consumers as well as PostgreSQL and Redis behind them, plus the
 * gateway's own checks ({@link #withCheck}). Not ready is a {@code 503} problem naming each failing
 * check (one {@code errors} entry per check). A check that answers {@code DEGRADED: …} is reported
 * but does not make the gateway unready (e.g. the rate limiter deciding locally while Redis is away).
 */
public final class Readiness {
  public static final String UP = "UP";
  public static final String DEGRADED_PREFIX = "DEGRADED";

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  private static final String DOWN = "DOWN";

  private final ServiceClient services;
  private volatile String lastDown = "{}";
  private final Map<String, Supplier<Future<String>>> localChecks = new LinkedHashMap<>();

  public Readiness(ServiceClient services) {
    this.services = services;
  }

  /** Adds a gateway-local check: its future yields {@code UP}, {@code DEGRADED: …} or why it is down. */
  public Readiness withCheck(String name, Supplier<Future<String>> check) {
    localChecks.put(name, check);
    return this;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> Responses.json(ctx, 200, Map.of("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  /**
   * The endpoint is public, so it names what is down but not why (reasons can hold host names and
   * ports): those go to the log, once each time they change.
   */
  private void ready(RoutingContext ctx) {
    check().onSuccess(checks -> {
      Map<String, String> down = new TreeMap<>(checks);
      down.values().removeIf(Readiness::isHealthy);
      logWhenChanged(down);
      if (down.isEmpty()) {
        Responses.json(ctx, 200, Map.of("status", "UP", "checks", checks));
      } else {
        Problem base = Problem.of(503, "not ready: " + String.join(", ", down.keySet()));
        List<FieldError> failing = down.keySet().stream().map(name -> new FieldError(name, DOWN)).toList();
        Problems.send(ctx, new Problem(base.type(), base.title(), 503, base.detail(), null, failing));
      }
    });
  }

  private void logWhenChanged(Map<String, String> down) {
    String now = down.toString();
    if (!now.equals(lastDown)) {
      lastDown = now;
      if (down.isEmpty()) {
        LOG.info("ready again");
      } else {
        LOG.warn("not ready: {}", now);
      }
    }
  }

  /** Every check by name: {@code UP}, or why it is not. Never fails. */
  public Future<Map<String, String>> check() {
    Future<HealthReport> session = services.request(Addresses.SESSION_HEALTH, Empty.INSTANCE);
    Future<HealthReport> agent = services.request(Addresses.AGENT_HEALTH, Empty.INSTANCE);
    Map<String, Future<String>> local = new LinkedHashMap<>();
    localChecks.forEach((name, check) -> local.put(name, check.get()));
    List<Future<?>> all = new ArrayList<>(local.values());
    all.add(session);
    all.add(agent);
    return Future.join(all).transform(ignored -> {
      Map<String, String> checks = new LinkedHashMap<>();
      collect(checks, "session-service", session);
      collect(checks, "agent-service", agent);
      local.forEach((name, outcome) -> checks.put(name, outcome.succeeded() ? outcome.result()
          : "DOWN: " + outcome.cause().getMessage()));
      return Future.succeededFuture(checks);
    });
  }

  private static void collect(Map<String, String> checks, String service, Future<HealthReport> report) {
    if (report.failed()) {
      checks.put(service, report.cause().getMessage());
      return;
    }
    checks.put(service, "UP");
    checks.putAll(report.result().checks());
  }

  /** True when no check is down: each is {@code UP} or {@code DEGRADED: …}. */
  public static boolean allUp(Map<String, String> checks) {
    return checks.values().stream().allMatch(Readiness::isHealthy);
  }

  static boolean isHealthy(String status) {
    return UP.equals(status) || (status != null && status.startsWith(DEGRADED_PREFIX));
  }
}
