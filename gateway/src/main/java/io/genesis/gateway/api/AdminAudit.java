package io.genesis.gateway.api;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.http.RouteTemplates;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Records every admin request (after the role check) in the audit trail once its response has
 * ended: actor, {@code admin.read} (or {@code admin.write} for a method that changes something), the
 * route template, and method and path (no query, no body). Fire-and-forget: the response never waits
 * for it, and a session service that is away loses the entry rather than slowing admins down.
 */
public final class AdminAudit implements Handler<RoutingContext> {
  static final String READ = "admin.read";
  static final String WRITE = "admin.write";

  private final EventBus bus;
  private final RouteTemplates templates;

  public AdminAudit(EventBus bus, RouteTemplates templates) {
    this.bus = bus;
    this.templates = templates;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (caller != null) {
      ctx.addEndHandler(ended -> record(ctx, caller));
    }
    ctx.next();
  }

  private void record(RoutingContext ctx, Caller caller) {
    HttpMethod method = ctx.request().method();
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    bus.send(Addresses.AUDIT_RECORD, new AuditEntry(caller.userId(), read ? READ : WRITE, templates.of(ctx),
        method.name() + " " + ctx.normalizedPath() + " " + ctx.response().getStatusCode()));
  }
}
