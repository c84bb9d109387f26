package io.genesis.gateway.api;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ReplyStream;
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
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's messages: read them newest first, and send one. Sending stores the user's message,
 * streams the reply from the agent service, stores the reply, and only then acknowledges both.
 */
public final class MessageRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);
  static final int MAX_CONTENT = 32_000;

  private final ServiceClient services;
  private final SessionRoutes sessions;
  private final ReplyStreams replies;

  public MessageRoutes(ServiceClient services, SessionRoutes sessions, ReplyStreams replies) {
    this.services = services;
    this.sessions = sessions;
    this.replies = replies;
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
    services.<MessagePage>request(Addresses.MESSAGE_LIST, new ListMessages(ref.userId(), ref.sessionId(), limit, before))
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  /** What one message exchange carries from step to step. */
  record Turn(SessionRef ref, String content, String requestedAgent, SessionView session, ReplyStream stream,
              MessageView message) {
    Turn with(ReplyStream s) {
      return new Turn(ref, content, requestedAgent, session, s, message);
    }

    Turn with(MessageView m) {
      return new Turn(ref, content, requestedAgent, session, stream, m);
    }
  }

  /** The stored exchange, as answered to JSON clients. */
  public record Exchange(MessageView message, MessageView reply, List<Messages.Handoff> handoffs) {}

  /** The stored reply (null when there was nothing to store) and how the stream ended. */
  record Settled(MessageView reply, Ending ending) {}

  /**
   * Checks the session, opens the reply on the agent service (routing it, and refusing at once when
   * the model backend cannot take it), stores the user's message, and only then lets the reply flow.
   */
  private void send(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String content = fields.requiredText(body, "content", MAX_CONTENT);
    String agentId = fields.optionalString(body, "agentId", 64);
    fields.check();
    boolean streamed = EventStream.wanted(ctx);
    Future<Turn> ready = openSession(ref, content, agentId)
        .compose(turn -> replies.open(replyRequest(turn), !streamed).map(turn::with))
        .compose(turn -> storeUserMessage(turn).onFailure(failed -> turn.stream().cancel()));
    if (streamed) {
      ready.onSuccess(turn -> EventStream.reply(ctx, turn, this::settle)).onFailure(ctx::fail);
    } else {
      ready.compose(turn -> collect(ctx, turn).compose(ending -> settle(turn, ending))
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

  private Future<Turn> openSession(SessionRef ref, String content, String agentId) {
    return services.<SessionView>request(Addresses.SESSION_GET, ref)
        .compose(session -> session.active()
            ? sessions.knownAgent(agentId).map(agent -> new Turn(ref, content, agent, session, null, null))
            : Future.failedFuture(new ServiceException(409, "session " + session.id() + " is closed")));
  }

  private static ReplyRequest replyRequest(Turn turn) {
    return new ReplyRequest(turn.ref().userId(), turn.ref().sessionId(), turn.requestedAgent(),
        turn.session().agentId(), turn.content());
  }

  private Future<Turn> storeUserMessage(Turn turn) {
    String addressedTo = turn.requestedAgent() != null ? turn.requestedAgent() : turn.session().agentId();
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_USER,
        addressedTo, turn.content());
    return services.<MessageView>request(Addresses.MESSAGE_APPEND, append).map(turn::with);
  }

  /**
   * Stores the reply, marked partial when it was cut short (nothing is stored for an empty one), and
   * remembers the answering agent on the session.
   */
  Future<Settled> settle(Turn turn, Ending ending) {
    ReplyResult result = ending.result();
    if (ending.partial() && !ending.hasText()) {
      return Future.succeededFuture(new Settled(null, ending));
    }
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_AGENT,
        result.agentId(), result.text(), ending.partial());
    return services.<MessageView>request(Addresses.MESSAGE_APPEND, append)
        .compose(reply -> rememberAgent(turn, result.agentId()).map(ignored -> new Settled(reply, ending)));
  }

  /**
   * Best effort: both messages are committed by now, so failing the request here would invite a
   * retry that stores them twice. The next message routes again if this did not stick.
   */
  private Future<Object> rememberAgent(Turn turn, String agentId) {
    if (Objects.equals(turn.session().agentId(), agentId)) {
      return Future.succeededFuture();
    }
    return services.request(Addresses.SESSION_SET_AGENT, new SetSessionAgent(turn.ref().userId(), turn.ref().sessionId(), agentId))
        .recover(failure -> {
          LOG.warn("session {} keeps its agent: {}", turn.ref().sessionId(), failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** The {@code meta} event: the agent asked first and the stored user message. */
  static Map<String, Object> meta(Turn turn) {
    return Map.of("agentId", turn.stream().firstAgentId(), "userMessageId", turn.message().id());
  }
}
