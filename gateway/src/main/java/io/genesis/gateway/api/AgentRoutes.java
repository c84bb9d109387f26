package io.genesis.gateway.api;

import io.genesis.gateway.http.RequestObserver;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Responses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/agents} and {@code GET /api/v1/agents/{id}}, with strong ETags. */
public final class AgentRoutes {
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("private, max-age=60, must-revalidate");

  private final ServiceClient services;

  public AgentRoutes(ServiceClient services) {
    this.services = services;
  }

  public void mount(Router router) {
    router.get("/api/v1/agents").handler(this::list);
    router.get("/api/v1/agents/:agentId").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    services.timed(RequestObserver.timings(ctx)).<AgentList>request(Addresses.AGENT_LIST, Empty.INSTANCE)
        .onSuccess(list -> respond(ctx, "\"" + list.version() + "\"", list.agents()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("agentId");
    services.timed(RequestObserver.timings(ctx)).<AgentView>request(Addresses.AGENT_GET, new AgentRef(id))
        .onSuccess(agent -> respond(ctx, "\"" + Integer.toHexString(agent.hashCode()) + "\"", agent))
        .onFailure(ctx::fail);
  }

  private static void respond(RoutingContext ctx, String etag, Object body) {
    ctx.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      ctx.response().setStatusCode(304).end();
    } else {
      Responses.json(ctx, 200, body);
    }
  }

  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }
}
