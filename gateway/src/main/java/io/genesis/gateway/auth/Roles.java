package io.genesis.gateway.auth;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Authorisation by the token's {@code roles} claim; runs after {@link BearerAuth}. */
public final class Roles {
  public static final String USER = "user";
  public static final String ADMIN = "admin";

  private Roles() {}

  /** Lets the request through when the caller has at least one of the roles; otherwise a 403 problem. */
  public static Handler<RoutingContext> anyOf(String... roles) {
    List<String> required = List.of(roles);
    String detail = "this resource needs the role " + String.join(" or ", required);
    return ctx -> {
      Caller caller = Caller.of(ctx);
      if (caller != null && required.stream().anyMatch(caller::hasRole)) {
        ctx.next();
      } else {
        ctx.fail(new ServiceException(403, detail));
      }
    };
  }
}
