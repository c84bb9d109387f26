package io.genesis.gateway.http;

import io.genesis.common.metrics.Meters;
import io.genesis.common.metrics.Observatory;
import io.genesis.common.metrics.RequestRecord;
import io.genesis.common.metrics.RequestTimings;
import io.genesis.gateway.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every request. At its end (or when the client goes away first, as status 499): one access log line (logger {@code genesis.access}:
 * request id, method, route template, status, duration, user; never content or tokens), and, with
 * metrics on, its latency in the route's figures and, if among the slowest, its stage timings.
 */
public final class RequestObserver implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("genesis.access");
  private static final String TIMINGS = "genesis.timings";
  /** Logged and counted for a response the client closed before it ended (nginx's code). */
  static final int CLIENT_CLOSED = 499;

  private final Observatory observatory;
  private final RouteTemplates templates;

  /** @param observatory null when metrics are off */
  public RequestObserver(Observatory observatory, RouteTemplates templates) {
    this.observatory = observatory;
    this.templates = templates;
  }

  /** The request's stage timings; null when metrics are off. */
  public static RequestTimings timings(RoutingContext ctx) {
    return ctx.get(TIMINGS);
  }

  /** The reply stream is open: the request's model stage starts now (nothing when metrics are off). */
  public static void modelStarted(RoutingContext ctx) {
    RequestTimings timings = timings(ctx);
    if (timings != null) {
      timings.modelStarted();
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    boolean log = LOG.isInfoEnabled();
    if (observatory != null || log) {
      long started = System.nanoTime();
      RequestTimings timings = observatory == null ? null : new RequestTimings();
      if (timings != null) {
        ctx.put(TIMINGS, timings);
      }
      // Not addBodyEndHandler: a stream the client hangs up on never ends its body, and is worth seeing.
      ctx.addEndHandler(ignored -> ended(ctx, started, timings, log));
    }
    ctx.next();
  }

  private void ended(RoutingContext ctx, long started, RequestTimings timings, boolean log) {
    long ended = System.nanoTime();
    long nanos = ended - started;
    String route = templates.of(ctx);
    int status = ctx.response().ended() ? ctx.response().getStatusCode() : CLIENT_CLOSED;
    Caller caller = Caller.of(ctx);
    String userId = caller == null ? null : caller.userId();
    String method = Meters.method(ctx.request().method().name());
    if (observatory != null) {
      observatory.routes().record(method, route, status, nanos);
      if (observatory.slowRequests().wouldKeep(nanos)) {
        observatory.slowRequests().offer(new RequestRecord(RequestIds.of(ctx), method, route, status, userId,
            System.currentTimeMillis(), nanos, timings.ended(ended).toJson()));
      }
    }
    if (log) {
      LOG.atInfo()
          .addKeyValue("requestId", RequestIds.of(ctx))
          .addKeyValue("method", method)
          .addKeyValue("route", route)
          .addKeyValue("status", status)
          .addKeyValue("durationMs", nanos / 1_000_000.0)
          .addKeyValue("userId", userId)
          .log("{} {} {}", method, route, status);
    }
  }
}
