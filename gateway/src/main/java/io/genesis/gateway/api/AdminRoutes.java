package io.genesis.gateway.api;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.gateway.auth.Roles;
import io.genesis.gateway.auth.TokenVerifier;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Routes for operators: everything under {@code /api/v1/admin} needs the {@code admin} role. */
public final class AdminRoutes {
  private final ServiceClient services;
  private final TokenVerifier tokens;

  public AdminRoutes(ServiceClient services, TokenVerifier tokens) {
    this.services = services;
    this.tokens = tokens;
  }

  public void mount(Router router) {
    router.route("/api/v1/admin/*").handler(Roles.anyOf(Roles.ADMIN));
    router.get("/api/v1/admin/stats").handler(this::stats);
  }

  /**
   * The session service's counts and cache figures, plus the agent count and this gateway
   * instance's verified-token cache; the agent count is left out (null) when that service is away.
   */
  private void stats(RoutingContext ctx) {
    Future<JsonObject> sessions = services.request(Addresses.SESSION_STATS, Empty.INSTANCE);
    Future<Integer> agents = services.<AgentList>request(Addresses.AGENT_LIST, Empty.INSTANCE)
        .map(list -> list.agents().size())
        .otherwise((Integer) null);
    Future.all(sessions, agents)
        .onSuccess(all -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, Responses.APPLICATION_JSON)
            .end(sessions.result().copy()
                .put("agents", new JsonObject().put("count", agents.result()))
                .put("gateway", new JsonObject().put("verifiedTokensCached", tokens.cachedTokens()))
                .toBuffer()))
        .onFailure(ctx::fail);
  }
}
