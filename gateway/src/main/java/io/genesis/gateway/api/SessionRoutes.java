package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.ListSessions;
import io.genesis.common.bus.Messages.SessionPage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Create, list, read and close the caller's chat sessions. */
public final class SessionRoutes {
  static final int MAX_PAGE = ApiLimits.PAGE_MAX;
  static final int DEFAULT_PAGE = 20;

  private final ServiceClient services;
  public SessionRoutes(ServiceClient services) {
    this.services = services;
  }

  public void mount(Router router) {
    // The body was read and validated for every /api/v1 route (see GatewayVerticle).
    router.post("/api/v1/sessions").handler(this::create);
    router.get("/api/v1/sessions").handler(this::list);
    router.get("/api/v1/sessions/:sessionId").handler(this::get);
    router.delete("/api/v1/sessions/:sessionId").handler(this::close);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String agentId = fields.optionalString(body, "agentId", ApiLimits.AGENT_ID_CHARS);
    String title = fields.optionalString(body, "title", ApiLimits.TITLE_CHARS);
    fields.check();
    String userId = Caller.of(ctx).userId();
    knownAgent(agentId)
        .compose(agent -> services.timed(RequestObserver.timings(ctx)).<SessionView>request(Addresses.SESSION_CREATE,
            new CreateSession(userId, agent, title == null ? null : title.strip())))
        .onSuccess(session -> {
          ctx.response().putHeader("Location", "/api/v1/sessions/" + session.id());
          Responses.json(ctx, 201, session);
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Fields fields = new Fields();
    Boolean active = fields.queryBoolean(ctx, "active");
    int limit = fields.queryInt(ctx, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    String cursor = fields.queryString(ctx, "cursor", ApiLimits.CURSOR_CHARS);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).<SessionPage>request(Addresses.SESSION_LIST, new ListSessions(Caller.of(ctx).userId(), active, limit, cursor))
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    services.timed(RequestObserver.timings(ctx)).<SessionView>request(Addresses.SESSION_GET, sessionRef(ctx))
        .onSuccess(session -> Responses.json(ctx, 200, session))
        .onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    services.timed(RequestObserver.timings(ctx)).<SessionView>request(Addresses.SESSION_CLOSE, sessionRef(ctx))
        .onSuccess(closed -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }

  static SessionRef sessionRef(RoutingContext ctx) {
    Fields fields = new Fields();
    String sessionId = fields.uuid(ctx.pathParam("sessionId"), "sessionId", true);
    fields.check();
    return new SessionRef(Caller.of(ctx).userId(), sessionId);
  }

  /** The canonical id of a named agent (ids match without regard to case); an unknown one is a 400. */
  Future<String> knownAgent(String agentId) {
    if (agentId == null) {
      return Future.succeededFuture();
    }
    return services.<AgentView>request(Addresses.AGENT_GET, new AgentRef(agentId))
        .map(AgentView::id)
        .recover(failure -> failure instanceof ServiceException se && se.status() == 404
            ? Future.failedFuture(io.genesis.gateway.http.InvalidRequest.of("agentId", "unknown agent '" + agentId + "'"))
            : Future.failedFuture(failure));
  }
}
