package io.genesis.gateway.auth;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** Requires {@code Authorization: Bearer <JWT>} with a valid signature, an {@code exp} and a {@code sub}. */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String PREFIX = "Bearer ";

  private final Tokens tokens;

  public BearerAuth(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.fail(new ServiceException(401, "a bearer token is required (Authorization: Bearer <JWT>)"));
      return;
    }
    String token = header.substring(PREFIX.length()).trim();
    tokens.provider().authenticate(new TokenCredentials(token))
        .onSuccess(user -> admit(ctx, user))
        .onFailure(failure -> ctx.fail(new ServiceException(401, "invalid token: " + failure.getMessage())));
  }

  private static void admit(RoutingContext ctx, User user) {
    JsonObject claims = claims(user);
    String subject = claims.getString("sub");
    if (subject == null || subject.isBlank()) {
      ctx.fail(new ServiceException(401, "invalid token: no sub claim"));
    } else if (!(claims.getValue("exp") instanceof Number)) {
      ctx.fail(new ServiceException(401, "invalid token: no exp claim"));
    } else {
      ctx.put(Caller.KEY, new Caller(subject, roles(claims.getValue("roles"))));
      ctx.next();
    }
  }

  /** vertx-auth-jwt keeps the verified payload under the {@code accessToken} attribute. */
  private static JsonObject claims(User user) {
    JsonObject payload = user.attributes().getJsonObject("accessToken");
    return payload != null ? payload : user.principal();
  }

  private static List<String> roles(Object claim) {
    List<String> roles = new ArrayList<>();
    if (claim instanceof JsonArray array) {
      for (Object role : array) {
        if (role instanceof String name) {
          roles.add(name);
        }
      }
    }
    return List.copyOf(roles);
  }
}
