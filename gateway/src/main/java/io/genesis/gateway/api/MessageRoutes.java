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
 * asks the agent service for the reply, stores the reply, and only then acknowledges both.
 */
public final class MessageRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);
  static final int MAX_CONTENT = 32_000;
  static final long REPLY_TIMEOUT_MILLIS = 120_000;

  private final ServiceClient services;
  private final SessionRoutes sessions;
  public MessageRoutes(ServiceClient services, SessionRoutes sessions) {
    this.services = services;
    this.sessions = sessions;
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
  record Turn(SessionRef ref, String content, String requestedAgent, SessionView session, MessageView message) {
    Turn with(SessionView s) {
      return new Turn(ref, content, requestedAgent, s, message);
    }

    Turn with(MessageView m) {
      return new Turn(ref, content, requestedAgent, session, m);
    }
  }

  /** The stored exchange, as answered to JSON clients. */
  public record Exchange(MessageView message, MessageView reply, List<Messages.Handoff> handoffs) {}

  private void send(RoutingContext ctx) {
    SessionRef ref = SessionRoutes.sessionRef(ctx);
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    String content = fields.requiredText(body, "content", MAX_CONTENT);
    String agentId = fields.optionalString(body, "agentId", 64);
    fields.check();
    Turn start = new Turn(ref, content, null, null, null);
    Future<Turn> stored = openSession(start, agentId).compose(this::storeUserMessage);
    if (EventStream.wanted(ctx)) {
      EventStream.reply(ctx, stored, this::answer);
    } else {
      stored.compose(this::answer)
          .onSuccess(exchange -> Responses.json(ctx, 201, exchange))
          .onFailure(ctx::fail);
    }
  }

  private Future<Turn> openSession(Turn turn, String agentId) {
    return services.<SessionView>request(Addresses.SESSION_GET, turn.ref())
        .compose(session -> session.active()
            ? sessions.knownAgent(agentId).map(agent -> new Turn(turn.ref(), turn.content(), agent, session, null))
            : Future.failedFuture(new ServiceException(409, "session " + session.id() + " is closed")));
  }

  private Future<Turn> storeUserMessage(Turn turn) {
    String addressedTo = turn.requestedAgent() != null ? turn.requestedAgent() : turn.session().agentId();
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_USER,
        addressedTo, turn.content());
    return services.<MessageView>request(Addresses.MESSAGE_APPEND, append).map(turn::with);
  }

  /** Asks for the reply, stores it, and remembers the answering agent on the session. */
  Future<Exchange> answer(Turn turn) {
    ReplyRequest ask = new ReplyRequest(turn.ref().userId(), turn.ref().sessionId(), turn.requestedAgent(),
        turn.session().agentId(), turn.content());
    return services.<ReplyResult>request(Addresses.AGENT_REPLY, ask, REPLY_TIMEOUT_MILLIS)
        .compose(result -> services.<MessageView>request(Addresses.MESSAGE_APPEND,
                new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_AGENT, result.agentId(), result.text()))
            .compose(reply -> rememberAgent(turn, result.agentId())
                .map(ignored -> new Exchange(turn.message(), reply, result.handoffs() == null ? List.of() : result.handoffs()))));
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

  /** {@code agentId}: the agent that answers first (before any handoff), or null when not known. */
  static Map<String, Object> meta(Turn turn, String agentId) {
    String agent = agentId != null ? agentId : turn.requestedAgent() != null ? turn.requestedAgent() : turn.session().agentId();
    return agent == null ? Map.of("userMessageId", turn.message().id())
        : Map.of("agentId", agent, "userMessageId", turn.message().id());
  }
}
