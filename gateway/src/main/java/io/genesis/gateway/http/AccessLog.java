package io.genesis.gateway.http;

import io.genesis.gateway.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per request (logger {@code genesis.access}): request id, route template, status, duration, user. */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("genesis.access");

  @Override
  public void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      ctx.addBodyEndHandler(ignored -> log(ctx, started));
    }
    ctx.next();
  }

  private static void log(RoutingContext ctx, long started) {
    Route route = ctx.currentRoute();
    Caller caller = Caller.of(ctx);
    LOG.atInfo()
        .addKeyValue("requestId", RequestIds.of(ctx))
        .addKeyValue("method", ctx.request().method().name())
        .addKeyValue("route", route == null || route.getPath() == null ? "unmatched" : route.getPath())
        .addKeyValue("status", ctx.response().getStatusCode())
        .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000.0)
        .addKeyValue("userId", caller == null ? null : caller.userId())
        .log("{} {} {}", ctx.request().method(), ctx.request().path(), ctx.response().getStatusCode());
  }
}
