package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.gateway.api.Exchanges.Turn;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * A session's messages: read them newest first, and send one. Sending stores the user's message,
 * streams the reply from the agent service, stores the reply, and only then acknowledges both (the
 * steps are {@link Exchanges}, shared with the WebSocket).
 */
public final class MessageRoutes {
  static final int MAX_CONTENT = ApiLimits.MESSAGE_CHARS;
  static final int MAX_AGENT_ID = ApiLimits.AGENT_ID_CHARS;

  private final ServiceClient services;
  private final Exchanges exchanges;

  public MessageRoutes(ServiceClient services, SessionRoutes sessions, ReplyStreams replies) {
    this.services = services;
    this.exchanges = new Exchanges(services, sessions, replies);
  }

  public void mount(Router router) {
    router.get("/api/v1/sessions/:sessionId/messages").handler(this::list);
    router.post("/api/v1/sessions/:sessionId/messages").handler(this::send);
  }

  private void list(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    Fields fields = new Fields();
    int limit = fields.queryInt(ctx, "limit", 1, SessionRoutes.MAX_PAGE, SessionRoutes.DEFAULT_PAGE * 2 + 10);
    String before = fields.uuid(ctx.request().getParam("before"), "before", false);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).<MessagePage>request(Addresses.MESSAGE_LIST, new ListMessages(ref.userId(), ref.sessionId(), limit, before))
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  /** The stored exchange, as answered to JSON clients. */
  public record Exchange(MessageView message, MessageView reply, List<Messages.Handoff> handoffs) {}

  /**
   * Checks the session, opens the reply on the agent service (routing it, and refusing at once when
   * the model backend cannot take it), stores the user's message, and only then lets the reply flow.
   */
  private void send(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String content = fields.requiredText(body, "content", MAX_CONTENT);
    String agentId = fields.optionalString(body, "agentId", MAX_AGENT_ID);
    fields.check();
    boolean streamed = EventStream.wanted(ctx);
    Future<Turn> ready = exchanges.begin(ref, content, agentId, !streamed, RequestObserver.timings(ctx)).onSuccess(turn -> RequestObserver.modelStarted(ctx));
    if (streamed) {
      ready.onSuccess(turn -> EventStream.reply(ctx, turn, exchanges::settle)).onFailure(ctx::fail);
    } else {
      ready.compose(turn -> collect(ctx, turn).compose(ending -> exchanges.settle(turn, ending))
              .compose(settled -> settled.ending().error() != null ? Future.failedFuture(settled.ending().error())
                  : Future.succeededFuture(new Exchange(turn.message(), settled.reply(), turn.stream().handoffs()))))
          .onSuccess(exchange -> Responses.json(ctx, 201, exchange))
          .onFailure(ctx::fail);
    }
  }

  /** The whole reply at once; a client that hangs up cancels it (and what was generated is kept, partial). */
  private static Future<Ending> collect(RoutingContext ctx, Turn turn) {
    if (ctx.response().closed()) {
      turn.stream().cancel();
    }
    ctx.response().closeHandler(closed -> turn.stream().cancel());
    return turn.stream().start(null);
  }
}
