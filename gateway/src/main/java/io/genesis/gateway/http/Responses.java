package io.genesis.gateway.http;

import io.genesis.common.json.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** JSON answers with precomputed header values. */
public final class Responses {
  public static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(Json.toBuffer(body));
  }

  public static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }
}
