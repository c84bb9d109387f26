package io.genesis.launcher;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.List;

/**
 * Stands in for the agent and session services on a gateway's event bus: every session exists and
 * stores whatever it is given, and every reply is {@code deltas} pieces of {@code pieceChars}
 * characters, sent strictly against the gateway's credit, like the real agent service. It reports
 * when it has run out of credit and none came for {@code quietMillis}: the gateway holding the
 * model back. One reply at a time.
 */
final class EndlessAgent extends VerticleBase {
  private final int deltas;
  private final int pieceChars;
  private final long quietMillis;
  private final Promise<Integer> stalled = Promise.promise();
  private String replyTo;
  private String streamId;
  private int credits;
  private int sent;
  private long creditMessages;
  private boolean ended;

  EndlessAgent(int deltas, int pieceChars, long quietMillis) {
    this.deltas = deltas;
    this.pieceChars = pieceChars;
    this.quietMillis = quietMillis;
  }

  /** Completes with the number of pieces sent when the gateway stopped granting credit. */
  Future<Integer> stalled() {
    return stalled.future();
  }

  /** Piece {@code i}: its number, then filler up to {@code pieceChars}. */
  static String piece(int i, int pieceChars) {
    String number = String.format("%06d ", i);
    return number + "x".repeat(pieceChars - number.length());
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<SessionRef>consumer(Addresses.SESSION_GET, m -> m.reply(session(m.body())));
    vertx.eventBus().<AppendMessage>consumer(Addresses.MESSAGE_APPEND, m -> m.reply(stored(m.body())));
    // A WebSocket message's requestId is its idempotency key: every key is new here.
    vertx.eventBus().consumer(Addresses.IDEMPOTENCY_CLAIM, m -> m.reply(new Messages.ClaimResult(true, null)));
    vertx.eventBus().consumer(Addresses.IDEMPOTENCY_FINISH, m -> m.reply(Messages.Empty.INSTANCE));
    vertx.eventBus().consumer(Addresses.IDEMPOTENCY_RELEASE, m -> m.reply(Messages.Empty.INSTANCE));
    vertx.eventBus().<StreamReply>consumer(Addresses.AGENT_STREAM, this::open);
    return Future.succeededFuture();
  }

  private static SessionView session(SessionRef ref) {
    Instant now = Instant.now();
    return new SessionView(ref.sessionId(), ref.userId(), "blaze", null, true, now, now);
  }

  private static MessageView stored(AppendMessage append) {
    return new MessageView(append.id() != null ? append.id() : Ids.newId().toString(), append.sessionId(), append.role(), append.agentId(), append.content(),
        Instant.now(), append.partial());
  }

  private void open(Message<StreamReply> request) {
    streamId = request.body().streamId();
    replyTo = request.body().replyTo();
    String control = "test.endless.control." + streamId;
    vertx.eventBus().<StreamControl>consumer(control, m -> control(m.body()));
    request.reply(new StreamOpened(streamId, control, "blaze", List.of(), "endless", null));
  }

  private void control(StreamControl control) {
    if (ended) {
      return;
    }
    if (Messages.CONTROL_CREDIT.equals(control.type())) {
      creditMessages++;
      credits += control.credits();
      emit();
    } else {
      end(true);
    }
  }

  private void emit() {
    while (credits > 0 && sent < deltas) {
      vertx.eventBus().send(replyTo, ReplyEvent.delta(streamId, piece(sent++, pieceChars)));
      credits--;
    }
    if (sent == deltas) {
      end(false);
    } else {
      long mark = creditMessages;
      vertx.setTimer(quietMillis, timer -> {
        if (creditMessages == mark) {
          stalled.tryComplete(sent);
        }
      });
    }
  }

  private void end(boolean partial) {
    StringBuilder text = new StringBuilder(sent * pieceChars);
    for (int i = 0; i < sent; i++) {
      text.append(piece(i, pieceChars));
    }
    ended = true;
    vertx.eventBus().send(replyTo, ReplyEvent.end(streamId, new ReplyResult("blaze", text.toString(), List.of()), partial, null));
  }
}
