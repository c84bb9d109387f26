package io.genesis.gateway.auth;

import io.genesis.common.metrics.RequestTimings;
import io.genesis.gateway.http.RequestObserver;
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
  static final String QUERY_PARAMETER = "token";

  private final TokenVerifier verifier;
  private final boolean queryToken;

  public BearerAuth(TokenVerifier verifier) {
    this(verifier, false);
  }

  private BearerAuth(TokenVerifier verifier, boolean queryToken) {
    this.verifier = verifier;
    this.queryToken = queryToken;
  }

  /**
   * For the WebSocket upgrade only: browsers cannot set headers on it, so without an
   * {@code Authorization} header the token may come as the {@code token} query parameter.
   */
  public static BearerAuth orQueryToken(TokenVerifier verifier) {
    return new BearerAuth(verifier, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      ctx.fail(new ServiceException(401, queryToken
          ? "a bearer token is required (Authorization: Bearer <JWT>, or the token query parameter)"
          : "a bearer token is required (Authorization: Bearer <JWT>)"));
      return;
    }
    // Usually complete at once (a cached token); a JWKS refresh makes it wait, with the request paused.
    long started = System.nanoTime();
    Paused.until(ctx, verifier.verify(token), verified -> {
      RequestTimings timings = RequestObserver.timings(ctx);
      if (timings != null) {
        timings.addAuth(System.nanoTime() - started);
      }
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

  /** The header's token, else (when allowed and there is no header) the query parameter's; null when neither. */
  private String token(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null && queryToken) {
      String query = ctx.request().getParam(QUERY_PARAMETER);
      return query == null || query.isBlank() ? null : query.trim();
    }
    if (header == null || header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    return header.substring(PREFIX.length()).trim();
  }
}
