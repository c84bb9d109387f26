package io.genesis.gateway.auth;

import io.genesis.common.api.ApiLimits;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code POST /api/v1/auth/dev-token}: mints a token for development; mounted only when dev tokens are on. */
public final class DevTokenRoute {
  private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:-]{1,64}");
  private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0," + (ApiLimits.DEV_ROLE_CHARS - 1) + "}");
  private static final long DEFAULT_TTL = 3600;
  
  private final Tokens tokens;

  public DevTokenRoute(Tokens tokens) {
    this.tokens = tokens;
  }

  public void handle(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String userId = fields.requiredText(body, "userId", ApiLimits.DEV_USER_ID_CHARS);
    if (userId != null && !USER_ID.matcher(userId).matches()) {
      fields.reject("userId", "may hold only letters, digits and . _ @ : -");
    }
    List<String> roles = fields.optionalStrings(body, "roles", ApiLimits.DEV_ROLES_MAX, ApiLimits.DEV_ROLE_CHARS);
    if (roles != null && !roles.stream().allMatch(role -> ROLE.matcher(role).matches())) {
      fields.reject("roles", "each role must be lower-case letters, digits, _ or -");
    }
    Integer ttl = fields.optionalInt(body, "ttlSeconds", ApiLimits.DEV_TTL_MIN_SECONDS, ApiLimits.DEV_TTL_MAX_SECONDS);
    fields.check();
    Tokens.Issued issued = tokens.issue(userId, roles == null ? List.of("user") : roles, ttl == null ? DEFAULT_TTL : ttl);
    Responses.json(ctx, 200, Map.of("token", issued.token(), "expiresAt", issued.expiresAt().toString()));
  }
}
