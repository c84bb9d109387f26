package io.genesis.gateway.http;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Load shedding at the door: past {@link #MAX_IN_FLIGHT} requests in flight on this gateway instance,
 * a new one is answered 503 with {@code Retry-After: 1} at once, before authentication, the rate
 * limiter or any service sees it. Under a spike this keeps what is admitted fast, and the refusals
 * cost next to nothing, instead of every request queueing behind the others into timeouts.
 *
 * <p>Streams (WebSocket, {@code Accept: text/event-stream}, the OpenAI-compatible routes, which may
 * stream) are not counted: they are long by design and have their own admission (the model's
 * concurrency limit). Health, the document and the metrics always answer. One instance per event
 * loop, so the count is a plain field.
 */
public final class Admission implements Handler<RoutingContext> {
  /**
   * Per gateway instance (one per core). Above what a 64-connection client keeps in flight on two
   * cores; low enough that what is admitted waits for at most a few dozen others.
   */
  public static final int MAX_IN_FLIGHT = 64;
  private static final ServiceException BUSY = new ServiceException(503, "the server is busy; retry in a moment", 1);
  private static final Set<String> ALWAYS = Set.of("/health/live", "/health/ready", "/openapi.json", "/metrics");

  private final int limit;
  private final String webSocketPath;
  private int inFlight;

  public Admission(int limit, String webSocketPath) {
    this.limit = limit;
    this.webSocketPath = webSocketPath;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (exempt(ctx)) {
      ctx.next();
      return;
    }
    if (inFlight >= limit) {
      ctx.fail(BUSY);
      return;
    }
    inFlight++;
    ctx.addEndHandler(ended -> inFlight--);
    ctx.next();
  }

  private boolean exempt(RoutingContext ctx) {
    // The raw path: normalizing a malformed one (e.g. %ZZ) throws, and that is for the router to answer (400).
    String path = ctx.request().path();
    if (ALWAYS.contains(path) || path.equals(webSocketPath) || path.startsWith("/v1/")) {
      return true;
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }
}
