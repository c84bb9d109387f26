package io.genesis.agent;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/** The gateway's side of a streamed reply, for tests: opens it, grants credit, records the events. */
final class StreamProbe {
  final List<String> deltas = new ArrayList<>();
  final Promise<ReplyEvent> last = Promise.promise();
  private final Vertx vertx;
  private final String inbox = "test.inbox." + Ids.newId();
  private final String streamId = Ids.newId().toString();
  private MessageConsumer<ReplyEvent> consumer;
  private StreamOpened opened;
  private Promise<Void> nextDelta = Promise.promise();

  StreamProbe(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Opens the stream; the reply is the bus answer (StreamOpened or StreamRefused). */
  Future<Object> open(ReplyRequest request, boolean collect) {
    consumer = vertx.eventBus().consumer(inbox, message -> {
      ReplyEvent event = message.body();
      if (Messages.EVENT_DELTA.equals(event.type())) {
        deltas.add(event.text());
        Promise<Void> waiting = nextDelta;
        nextDelta = Promise.promise();
        waiting.complete();
      } else {
        last.tryComplete(event);
        consumer.unregister();
      }
    });
    return consumer.completion()
        .compose(registered -> vertx.eventBus().request(Addresses.AGENT_STREAM, new StreamReply(streamId, inbox, request, collect)))
        .map(reply -> {
          if (reply.body() instanceof StreamOpened o) {
            opened = o;
          }
          return reply.body();
        });
  }

  StreamOpened opened() {
    return opened;
  }

  /** Completes on the next delta (or at once if the stream already ended). */
  Future<Void> nextDelta() {
    return last.future().isComplete() ? Future.succeededFuture() : nextDelta.future();
  }

  void credit(int credits) {
    vertx.eventBus().send(opened.controlAddress(), new StreamControl(streamId, Messages.CONTROL_CREDIT, credits));
  }

  void cancel() {
    vertx.eventBus().send(opened.controlAddress(), new StreamControl(streamId, Messages.CONTROL_CANCEL, 0));
  }

  /** Opens, grants plenty of credit, and completes with the last event. */
  static Future<StreamProbe> run(Vertx vertx, ReplyRequest request, boolean collect) {
    StreamProbe probe = new StreamProbe(vertx);
    return probe.open(request, collect).compose(reply -> {
      if (!(reply instanceof StreamOpened)) {
        return Future.failedFuture("refused: " + reply);
      }
      probe.credit(1_000_000);
      return probe.last.future().map(probe);
    });
  }
}
