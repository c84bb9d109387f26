package io.genesis.gateway.http;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.id.Ids;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler of every request: keeps the caller's {@code X-Request-Id} when it is sane (else makes
 * one) and adds it and the headers every answer carries (nosniff, no referrer, a locked-down CSP).
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String KEY = "requestId";
  public static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence REFERRER_POLICY_NAME = HttpHeaders.createOptimized("Referrer-Policy");
  private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");
  private static final CharSequence CSP_NAME = HttpHeaders.createOptimized("Content-Security-Policy");
  /** JSON answers load nothing and are framed by no one; the console page sets its own policy. */
  private static final CharSequence API_CSP = HttpHeaders.createOptimized("default-src 'none'; frame-ancestors 'none'");
  private static final int MAX_LENGTH = ApiLimits.REQUEST_ID_CHARS;

  @Override
  public void handle(RoutingContext ctx) {
    String id = sanitize(ctx.request().getHeader(X_REQUEST_ID));
    ctx.put(KEY, id);
    MultiMap headers = ctx.response().headers();
    headers.add(X_REQUEST_ID, id).add(NOSNIFF_NAME, NOSNIFF).add(REFERRER_POLICY_NAME, NO_REFERRER).add(CSP_NAME, API_CSP);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  static String sanitize(String given) {
    if (given == null || given.isEmpty() || given.length() > MAX_LENGTH) {
      return Ids.newId().toString();
    }
    for (int i = 0; i < given.length(); i++) {
      char c = given.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':';
      if (!safe) {
        return Ids.newId().toString();
      }
    }
    return given;
  }
}
