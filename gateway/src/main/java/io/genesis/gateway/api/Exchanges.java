package io.genesis.gateway.api;

import io.genesis.common.metrics.RequestTimings;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Objects;
import io.genesis.common.log.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one message exchange, whatever answers it (JSON, Server-Sent Events, a WebSocket):
 * {@link #begin} checks the session, opens the reply on the agent service (routing it, and refusing at
 * once when the model backend cannot take it) and stores the user's message; once the reply has
 * ended, {@link #settle} stores it and remembers the answering agent.
 */
final class Exchanges {
  private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);
  /** Fails together with everything else when the session store is overloaded: a line a second, not one per reply. */
  private static final ThrottledLog KEPT_AGENT = ThrottledLog.warn(LOG);

  private final ServiceClient services;
  private final SessionRoutes sessions;
  private final ReplyStreams replies;

  Exchanges(ServiceClient services, SessionRoutes sessions, ReplyStreams replies) {
    this.services = services;
    this.sessions = sessions;
    this.replies = replies;
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

  /** The stored reply (null when there was nothing to store) and how the stream ended. */
  record Settled(MessageView reply, Ending ending) {}

  /**
   * A turn ready to stream: its user message stored, its reply admitted but not started.
   *
   * @param collect true: the reply comes whole at its end, without deltas
   * @param timings the request's stage timings, or null
   */
  Future<Turn> begin(SessionRef ref, String content, String agentId, boolean collect, RequestTimings timings) {
    ServiceClient bus = services.timed(timings);
    return openSession(bus, ref, content, agentId)
        .compose(turn -> timed(replies.open(replyRequest(turn), collect), timings).map(turn::with))
        .compose(turn -> storeUserMessage(bus, turn).onFailure(failed -> turn.stream().cancel()));
  }

  /** Opening the reply is a bus round trip to the agent service (routing and admission). */
  private static <T> Future<T> timed(Future<T> roundTrip, RequestTimings timings) {
    if (timings == null) {
      return roundTrip;
    }
    long started = System.nanoTime();
    return roundTrip.onComplete(done -> timings.addBus(System.nanoTime() - started, 0));
  }

  /**
   * Stores the reply, marked partial when it was cut short, at the reply size limit too (nothing is
   * stored for an empty one), and remembers the answering agent on the session.
   */
  Future<Settled> settle(Turn turn, Ending ending) {
    ReplyResult result = ending.result();
    if (ending.partial() && !ending.hasText()) {
      return Future.succeededFuture(new Settled(null, ending));
    }
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_AGENT,
        result.agentId(), result.text(), ending.partial() || ending.cutAtLength());
    // A draining gateway waits for this: the session service is still there while it does.
    return replies.settling(services.<MessageView>request(Addresses.MESSAGE_APPEND, append)
        .compose(reply -> rememberAgent(turn, result.agentId()).map(ignored -> new Settled(reply, ending))));
  }

  /** The {@code meta} event: the agent asked first and the stored user message. */
  static Map<String, Object> meta(Turn turn) {
    return Map.of("agentId", turn.stream().firstAgentId(), "userMessageId", turn.message().id());
  }

  private Future<Turn> openSession(ServiceClient bus, SessionRef ref, String content, String agentId) {
    return bus.<SessionView>request(Addresses.SESSION_GET, ref)
        .compose(session -> session.active()
            ? sessions.knownAgent(agentId).map(agent -> new Turn(ref, content, agent, session, null, null))
            : Future.failedFuture(new ServiceException(409, "session " + session.id() + " is closed")));
  }

  private static ReplyRequest replyRequest(Turn turn) {
    return new ReplyRequest(turn.ref().userId(), turn.ref().sessionId(), turn.requestedAgent(),
        turn.session().agentId(), turn.content());
  }

  private Future<Turn> storeUserMessage(ServiceClient bus, Turn turn) {
    String addressedTo = turn.requestedAgent() != null ? turn.requestedAgent() : turn.session().agentId();
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_USER,
        addressedTo, turn.content());
    return bus.<MessageView>request(Addresses.MESSAGE_APPEND, append).map(turn::with);
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
          KEPT_AGENT.log("session {} keeps its agent: {}", turn.ref().sessionId(), failure.getMessage());
          return Future.succeededFuture();
        });
  }
}
