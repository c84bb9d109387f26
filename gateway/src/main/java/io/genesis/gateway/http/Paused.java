package io.genesis.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs the next step once {@code pending} completes. A handler that waits on something (a JWKS
 * fetch, a Redis call) before the body handler has run must pause the request meanwhile, or body
 * chunks arriving in between are lost and the body handler later fails.
 */
public final class Paused {
  private Paused() {}

  public static <T> void until(RoutingContext ctx, Future<T> pending, Handler<Future<T>> then) {
    if (pending.isComplete()) {
      then.handle(pending);
      return;
    }
    HttpServerRequest request = ctx.request();
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause();
    }
    pending.onComplete(done -> {
      if (paused && !request.isEnded()) {
        request.resume();
      }
      then.handle(pending);
    });
  }
}
