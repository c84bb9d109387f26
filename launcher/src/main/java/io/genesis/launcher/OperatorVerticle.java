package io.genesis.launcher;

import io.genesis.common.config.GenesisConfig;
import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.common.metrics.PerformanceRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator port ({@code GENESIS_METRICS_PORT}): {@code /metrics}, {@code /performance/*} and
 * {@code /health/live} with no token, for Prometheus and operators on a private network, and the only
 * way to read the metrics of a session or agent service deployed without a gateway.
 */
final class OperatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorVerticle.class);
  static final String SHARED_MAP = "genesis.operator";
  static final String PORT_KEY = "port";

  private final int port;

  OperatorVerticle(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    GenesisConfig config = GenesisConfig.fromJson(config());
    Router router = Router.router(vertx);
    PerformanceRoutes.mountMetrics(router, vertx);
    new PerformanceRoutes(vertx).mount(router, RoutingContext::next);
    router.get("/health/live").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"status\":\"UP\"}"));
    router.route().failureHandler(OperatorVerticle::problem);
    router.errorHandler(404, OperatorVerticle::problem);
    String host = config.observability().metricsHost();
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(server -> {
      vertx.sharedData().getLocalMap(SHARED_MAP).put(PORT_KEY, server.actualPort());
      LOG.info("operator port on http://{}:{} (/metrics, /performance/*, /health/live)", host, server.actualPort());
    });
  }

  private static void problem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    Problem problem = failure instanceof ServiceException e ? Problem.of(e.status(), e.getMessage())
        : ctx.statusCode() == 404 ? Problem.of(404, "no such operator route: " + ctx.normalizedPath())
        : Problem.of(500, "the operator port failed to answer");
    ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .end(Json.toBuffer(problem));
  }
}
