package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AuditPage;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ListAudit;
import io.genesis.gateway.auth.Roles;
import io.genesis.gateway.auth.TokenVerifier;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Routes for operators: everything under {@code /api/v1/admin} needs the {@code admin} role. */
public final class AdminRoutes {
  private static final int MAX_PAGE = ApiLimits.PAGE_MAX;
  private static final int DEFAULT_PAGE = 20;
  private final ServiceClient services;
  private final TokenVerifier tokens;
  private final Handler<RoutingContext> audit;

  /** @param audit records each admin request in the audit trail ({@link AdminAudit}) */
  public AdminRoutes(ServiceClient services, TokenVerifier tokens, Handler<RoutingContext> audit) {
    this.services = services;
    this.tokens = tokens;
    this.audit = audit;
  }

  public void mount(Router router) {
    router.route("/api/v1/admin/*").handler(Roles.anyOf(Roles.ADMIN)).handler(audit);
    router.get("/api/v1/admin/stats").handler(this::stats);
    router.get("/api/v1/admin/audit").handler(this::auditTrail);
  }

  /** Audit entries, newest first: {@code {items:[{id, at, actor, action, subject, details}], nextCursor}}. */
  private void auditTrail(RoutingContext ctx) {
    Fields fields = new Fields();
    int limit = fields.queryInt(ctx, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    String cursor = fields.queryString(ctx, "cursor", ApiLimits.CURSOR_CHARS);
    String action = fields.queryString(ctx, "action", ApiLimits.AUDIT_ACTION_CHARS);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).<AuditPage>request(Addresses.AUDIT_LIST, new ListAudit(action, limit, cursor))
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
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
