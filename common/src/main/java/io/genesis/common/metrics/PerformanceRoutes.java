package io.genesis.common.metrics;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /performance/metrics|slow-requests|cache-analysis}
 * (JSON), mounted on the gateway (performance behind the admin role) and on the operator port (as is).
 * Failures go to the router's failure handler as {@link ServiceException}s.
 */
public final class PerformanceRoutes {
  static final int DEFAULT_SLOW = 20;

  private final PerformanceReports reports;

  public PerformanceRoutes(Vertx vertx) {
    this.reports = new PerformanceReports(vertx);
  }

  public static void mountMetrics(Router router, Vertx vertx) {
    router.get("/metrics").handler(Meters.enabled(vertx) ? PrometheusScrapingHandler.create(Meters.registryName(vertx))
        : ctx -> ctx.fail(new ServiceException(404, "metrics are off (GENESIS_METRICS=false)")));
  }

  /** The three JSON routes, each behind {@code guard} (the admin role on the gateway; nothing on the operator port). */
  public void mount(Router router, Handler<RoutingContext> guard) {
    router.route("/performance/*").handler(guard);
    router.get("/performance/metrics").handler(ctx -> reports.metrics().onSuccess(json -> send(ctx, json)).onFailure(ctx::fail));
    router.get("/performance/slow-requests").handler(this::slowRequests);
    router.get("/performance/cache-analysis").handler(ctx ->
        reports.cacheAnalysis().onSuccess(json -> send(ctx, json)).onFailure(ctx::fail));
  }

  private void slowRequests(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    int count;
    try {
      count = limit == null ? DEFAULT_SLOW : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      count = -1;
    }
    if (count < 1 || count > SlowRequests.CAPACITY) {
      ctx.fail(ServiceException.badRequest("limit: must be a whole number from 1 to " + SlowRequests.CAPACITY));
      return;
    }
    send(ctx, reports.slowRequests(count));
  }

  private static void send(RoutingContext ctx, JsonObject json) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json.toBuffer());
  }
}
