package io.genesis.gateway.auth;

import io.genesis.common.error.ServiceException;
import io.genesis.gateway.http.Paused;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Requires {@code Authorization: Bearer <JWT>} that {@link TokenVerifier} accepts, and puts the
 * {@link Caller} in the context; otherwise a 401 problem saying why (never quoting the token).
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String PREFIX = "Bearer ";

  private final TokenVerifier verifier;

  public BearerAuth(TokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.fail(new ServiceException(401, "a bearer token is required (Authorization: Bearer <JWT>)"));
      return;
    }
    // Usually complete at once (a cached token); a JWKS refresh makes it wait, with the request paused.
    Paused.until(ctx, verifier.verify(header.substring(PREFIX.length()).trim()), verified -> {
      if (verified.succeeded()) {
        ctx.put(Caller.KEY, verified.result());
        ctx.next();
      } else {
        Throwable failure = verified.cause();
        ctx.fail(new ServiceException(401, "invalid token: "
            + (failure instanceof InvalidToken ? failure.getMessage() : "cannot be verified")));
      }
    });
  }
}
