package io.genesis.gateway.api;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.common.log.ThrottledLog;
import io.genesis.common.metrics.RequestTimings;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.idempotency.IdempotencyKeys.Claim;
import io.genesis.gateway.journal.Journal;
import io.genesis.gateway.journal.Journals;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one message exchange, whatever answers it (JSON, Server-Sent Events, a WebSocket):
 * {@link #begin} checks the session, claims the idempotency key if there is one, opens the reply on the
 * agent service (routing it, and refusing at once when the model backend cannot take it) and stores the
 * user's message; once the reply has ended, {@link #settle} stores it under the id {@code meta} announced,
 * remembers the answering agent and records the key's outcome.
 */
final class Exchanges {
  private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);
  /** Fails together with everything else when the session store is overloaded: a line a second, not one per reply. */
  private static final ThrottledLog KEPT_AGENT = ThrottledLog.warn(LOG);
  /** The end of a reply stopped (its client gone past the detached bound) before it wrote anything. */
  static final ServiceException NOTHING_GENERATED =
      new ServiceException(503, "the reply was stopped before it wrote anything; send the message again", 1);

  private final Vertx vertx;
  private final ServiceClient services;
  private final SessionRoutes sessions;
  private final ReplyStreams replies;
  private final Journals journals;
  private final IdempotencyKeys keys;
  private final long detachedMillis;

  Exchanges(Vertx vertx, ServiceClient services, SessionRoutes sessions, ReplyStreams replies, Journals journals,
            IdempotencyKeys keys, long detachedMillis) {
    this.vertx = vertx;
    this.services = services;
    this.sessions = sessions;
    this.replies = replies;
    this.journals = journals;
    this.keys = keys;
    this.detachedMillis = detachedMillis;
  }

  Journals journals() {
    return journals;
  }

  ServiceClient services() {
    return services;
  }

  /**
   * One message to send: who, where, what; {@code key} the idempotency key (null: none), {@code collect}
   * true when the reply comes whole at its end (a JSON answer).
   */
  record Ask(SessionRef ref, String content, String agentId, String key, boolean collect, RequestTimings timings) {}

  /** What one message exchange carries from step to step. */
  record Turn(Ask ask, SessionView session, String requestedAgent, String messageId, String replyId, Claim claim,
              ReplyEvents events, ReplyStream stream, MessageView message) {
    SessionRef ref() {
      return ask.ref();
    }

    Turn with(Claim c) {
      return new Turn(ask, session, requestedAgent, messageId, replyId, c, events, stream, message);
    }

    Turn with(ReplyStream s) {
      return new Turn(ask, session, requestedAgent, messageId, replyId, claim, events.of(s), s, message);
    }

    Turn with(MessageView m) {
      return new Turn(ask, session, requestedAgent, messageId, replyId, claim, events, stream, m);
    }
  }

  /** The stored reply (null when there was nothing to store) and how the stream ended. */
  record Settled(MessageView reply, Ending ending) {}

  /**
   * A turn ready to stream: its key claimed, its user message stored, its reply admitted but not started.
   * Fails with {@link IdempotencyKeys.Duplicate} when the key was used before for the same request.
   */
  Future<Turn> begin(Ask ask) {
    ServiceClient bus = services.timed(ask.timings());
    return openSession(bus, ask)
        .compose(turn -> ask.key() == null ? Future.succeededFuture(turn) : keys.claim(claimOf(turn)).map(turn::with))
        .compose(turn -> timed(replies.open(replyRequest(turn), ask.collect()), ask.timings()).map(turn::with)
            .onFailure(refused -> keys.release(turn.claim())))
        .compose(turn -> storeUserMessage(bus, turn).onFailure(failed -> {
          turn.stream().cancel();
          keys.release(turn.claim());
        }));
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
   * Stores the reply under its announced id, marked partial when it was cut short, at the reply size limit
   * too (nothing is stored for an empty one); remembers the answering agent, and the key's outcome. A
   * streamed reply is stored as the client was sent it, delta by delta.
   */
  Future<Settled> settle(Turn turn, Ending ending) {
    ReplyResult result = ending.result();
    String text = turn.stream().streamed() ? turn.stream().streamedText() : result.text();
    if (ending.partial() && text.isEmpty()) {
      // Nothing to store: the client (if still there), the journal and the key's retries all get the failure.
      return replies.settling(recorded(turn, ending.error() != null ? ending : ending.failed(NOTHING_GENERATED), null));
    }
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_AGENT,
        result.agentId(), text, ending.partial() || ending.cutAtLength(), turn.replyId());
    // A draining gateway waits for this: the session service is still there while it does.
    return replies.settling(services.<MessageView>request(Addresses.MESSAGE_APPEND, append)
        .compose(reply -> rememberAgent(turn, result.agentId()).map(reply))
        .transform(stored -> stored.succeeded() ? recorded(turn, ending, stored.result())
            : recorded(turn, ending.failed(notStored(stored.cause())), null)));
  }

  /**
   * Records the key's outcome (when there is a key), then answers the settled reply. A stored reply without
   * handoffs, calculator calls or failure needs none: its retries find it stored (one statement less per message).
   */
  private Future<Settled> recorded(Turn turn, Ending ending, MessageView reply) {
    if (turn.claim() == null || reply != null && ending.error() == null && turn.stream().handoffs().isEmpty()
        && turn.stream().tools().isEmpty()) {
      return Future.succeededFuture(new Settled(reply, ending));
    }
    return keys.finish(turn.claim(), Outcomes.of(turn.stream().handoffs(), turn.stream().tools(), ending.error()))
        .map(done -> new Settled(reply, ending));
  }

  private static ServiceException notStored(Throwable failure) {
    return failure instanceof ServiceException se ? se
        : new ServiceException(503, "the reply could not be stored; send the message again", 1);
  }

  /** The {@code meta} event: the agent asked first, the stored user message, and the id the reply will be stored under. */
  static Map<String, Object> meta(Turn turn) {
    return meta(turn.stream().firstAgentId(), turn.message().id(), turn.replyId());
  }

  static Map<String, Object> meta(String agentId, String userMessageId, String replyId) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("agentId", agentId);
    meta.put("userMessageId", userMessageId);
    meta.put("replyId", replyId);
    return meta;
  }

  private Future<Turn> openSession(ServiceClient bus, Ask ask) {
    return bus.<SessionView>request(Addresses.SESSION_GET, ask.ref())
        .compose(session -> session.active()
            ? sessions.knownAgent(ask.agentId()).map(agent -> newTurn(ask, session, agent))
            : Future.failedFuture(new ServiceException(409, "session " + session.id() + " is closed")));
  }

  /** A JSON answer without a key is never resumed nor joined: it keeps no events. */
  private Turn newTurn(Ask ask, SessionView session, String agent) {
    String replyId = Ids.newId().toString();
    Journal journal = ask.collect() && ask.key() == null ? Journal.NONE : journals.open(ask.ref().userId(), replyId);
    return new Turn(ask, session, agent, Ids.newId().toString(), replyId, null,
        new ReplyEvents(vertx, journal, detachedMillis), null, null);
  }

  /** The same key must come with the same session, text and agent. */
  private IdempotencyClaim claimOf(Turn turn) {
    Ask ask = turn.ask();
    String digest = keys.digest(ask.ref().userId(), ask.key(), Messages.IDEMPOTENCY_MESSAGES, ask.ref().sessionId(),
        ask.content(), ask.agentId());
    return new IdempotencyClaim(ask.ref().userId(), ask.key(), Messages.IDEMPOTENCY_MESSAGES, digest,
        ask.ref().sessionId(), turn.messageId(), turn.replyId());
  }

  private static ReplyRequest replyRequest(Turn turn) {
    return new ReplyRequest(turn.ref().userId(), turn.ref().sessionId(), turn.requestedAgent(),
        turn.session().agentId(), turn.ask().content());
  }

  private Future<Turn> storeUserMessage(ServiceClient bus, Turn turn) {
    String addressedTo = turn.requestedAgent() != null ? turn.requestedAgent() : turn.session().agentId();
    AppendMessage append = new AppendMessage(turn.ref().userId(), turn.ref().sessionId(), Messages.ROLE_USER,
        addressedTo, turn.ask().content(), false, turn.messageId());
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
