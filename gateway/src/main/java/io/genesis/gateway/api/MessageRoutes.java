package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.gateway.api.Exchanges.Ask;
import io.genesis.gateway.api.Exchanges.Turn;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.Responses;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.idempotency.IdempotencyKeys.Duplicate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * A session's messages: read them newest first, send one, and resume a streamed reply. Sending stores the
 * user's message, streams the reply from the agent service, stores the reply, and only then acknowledges
 * both (the steps are {@link Exchanges}, shared with the WebSocket). With an {@code Idempotency-Key}, a retry
 * gets the first request's result ({@link Replays}).
 */
public final class MessageRoutes {
  static final int MAX_CONTENT = ApiLimits.MESSAGE_CHARS;
  static final int MAX_AGENT_ID = ApiLimits.AGENT_ID_CHARS;
  /** A replayed answer says so, as Stripe's do. */
  static final String REPLAYED = "Idempotent-Replayed";

  private final ServiceClient services;
  private final Exchanges exchanges;
  private final Replays replays;

  MessageRoutes(ServiceClient services, Exchanges exchanges, Replays replays) {
    this.services = services;
    this.exchanges = exchanges;
    this.replays = replays;
  }

  public void mount(Router router) {
    router.get("/api/v1/sessions/:sessionId/messages").handler(this::list);
    router.post("/api/v1/sessions/:sessionId/messages").handler(this::send);
    router.get("/api/v1/sessions/:sessionId/messages/:messageId/stream").handler(this::resume);
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
   * Checks the session, claims the key, opens the reply on the agent service (routing it, and refusing at
   * once when the model backend cannot take it), stores the user's message, and only then lets the reply flow.
   */
  private void send(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String content = fields.requiredText(body, "content", MAX_CONTENT);
    String agentId = fields.optionalString(body, "agentId", MAX_AGENT_ID);
    fields.check();
    String key = IdempotencyKeys.key(ctx.request().getHeader(IdempotencyKeys.HEADER));
    boolean streamed = EventStream.wanted(ctx);
    Future<Turn> ready = exchanges.begin(new Ask(ref, content, agentId, key, !streamed, RequestObserver.timings(ctx)))
        .onSuccess(turn -> RequestObserver.modelStarted(ctx));
    if (streamed) {
      ready.onSuccess(turn -> EventStream.reply(ctx, turn, exchanges::settle))
          .onFailure(failure -> {
            if (failure instanceof Duplicate duplicate) {
              replays.duplicate(ref.userId(), duplicate.record())
                  .onSuccess(source -> {
                    ctx.response().putHeader(REPLAYED, "true");
                    EventStream.replay(ctx, replays, ref.userId(), source, true);
                  })
                  .onFailure(ctx::fail);
            } else {
              ctx.fail(failure);
            }
          });
    } else {
      ready.compose(turn -> collect(ctx, turn).compose(ending -> exchanges.settle(turn, ending))
              .compose(settled -> answered(turn, settled)))
          .recover(failure -> failure instanceof Duplicate duplicate
              ? replays.exchange(ref.userId(), duplicate.record()).onSuccess(replayed -> ctx.response().putHeader(REPLAYED, "true"))
              : Future.failedFuture(failure))
          .onSuccess(exchange -> Responses.json(ctx, 201, exchange))
          .onFailure(ctx::fail);
    }
  }

  /**
   * Resumes a streamed reply after the last event the client saw ({@code Last-Event-ID}, as {@code EventSource}
   * sends it, or the {@code lastEventId} query parameter): the events after it, then the live rest, then
   * {@code done}; the stored reply as one {@code done} once its events are no longer kept.
   */
  private void resume(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    Fields fields = new Fields();
    String replyId = fields.uuid(ctx.pathParam("messageId"), "messageId", true);
    long after = lastEventId(fields, ctx);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).request(Addresses.SESSION_GET, ref)
        .compose(session -> replays.resume(ref.userId(), ref.sessionId(), replyId, after))
        .onSuccess(source -> EventStream.replay(ctx, replays, ref.userId(), source, false))
        .onFailure(ctx::fail);
  }

  static long lastEventId(Fields fields, RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    String raw = header != null ? header : ctx.request().getParam("lastEventId");
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    try {
      long id = Long.parseLong(raw.trim());
      if (id >= 0 && id <= ClientFrame.MAX_EVENT_ID) {
        return id;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    fields.reject(header != null ? "Last-Event-ID" : "lastEventId", "must be an event id: a whole number from 0");
    return 0;
  }

  /** A JSON answer: the stored exchange, or the failure that ended the reply. */
  private static Future<Exchange> answered(Turn turn, Exchanges.Settled settled) {
    ReplyEvents events = turn.events();
    if (settled.ending().error() != null) {
      events.error(settled.ending().error(), null, null);
      return Future.failedFuture(settled.ending().error());
    }
    if (settled.reply() == null) {
      events.error(Exchanges.NOTHING_GENERATED, null, null);
      return Future.failedFuture(Exchanges.NOTHING_GENERATED);
    }
    turn.stream().tools().forEach(events::tool); // kept for a client that joins the reply: not in the JSON answer
    events.wholeText(settled.reply().content());
    events.done(settled.reply());
    return Future.succeededFuture(new Exchange(turn.message(), settled.reply(), turn.stream().handoffs()));
  }

  /**
   * The whole reply at once. A client that hangs up leaves it generating for the detached bound (a retry
   * with its key gets it whole), then it is cut and what was generated is kept, partial.
   */
  private static Future<Ending> collect(RoutingContext ctx, Turn turn) {
    ReplyEvents events = turn.events();
    events.meta(Exchanges.meta(turn));
    turn.stream().handoffs().forEach(events::handoff);
    if (ctx.response().closed()) {
      events.detach();
    }
    ctx.response().closeHandler(closed -> events.detach());
    return turn.stream().start(null);
  }
}
