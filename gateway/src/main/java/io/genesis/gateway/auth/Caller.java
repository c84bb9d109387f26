package io.genesis.gateway.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Who is calling, from a verified token: {@code sub} and {@code roles}. */
public record Caller(String userId, List<String> roles) {
  static final String KEY = "caller";

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  public static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
