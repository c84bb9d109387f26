package io.genesis.agent.stream;

import io.genesis.agent.metrics.AgentMeters;
import io.micrometer.core.instrument.Gauge;
import io.genesis.agent.model.ModelBackend;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.reply.ReplyService;
import io.genesis.agent.reply.ReplyService.Prepared;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.bus.Messages.StreamRefused;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streamed replies of one agent-verticle instance: opens them ({@link Addresses#AGENT_STREAM}),
 * and takes credit and cancels for them on this instance's own control address. Routing and admission
 * happen when a stream opens, so a refusal (bad request, backend full or failing) is a fast answer
 * before the caller stores or sends anything.
 */
public final class StreamHub {
  private final Vertx vertx;
  private final ReplyService replies;
  private final ModelBackend backend;
  private final String controlAddress = Addresses.AGENT_STREAM_CONTROL_PREFIX + Ids.newId();
  private final Map<String, AgentStream> streams = new HashMap<>();
  private final AgentMeters meters;
  /** Set while draining: completes once no stream is open. */
  private Promise<Void> drained;

  public StreamHub(Vertx vertx, ReplyService replies, ModelBackend backend, AgentMeters meters) {
    this.vertx = vertx;
    this.replies = replies;
    this.backend = backend;
    this.meters = meters;
    Gauge.builder("genesis.agent.streams.active", streams, Map::size)
        .description("Replies this agent-service instance is generating").register(meters.registry());
  }

  /** This instance's control address, and the broadcast of streams the gateway gave up opening. */
  public List<MessageConsumer<StreamControl>> listen() {
    return List.of(vertx.eventBus().consumer(controlAddress, this::control),
        vertx.eventBus().consumer(Addresses.AGENT_STREAM_ABANDONED, this::control));
  }

  public void open(Message<StreamReply> message) {
    StreamReply open = message.body();
    if (open == null || open.streamId() == null || open.replyTo() == null) {
      throw ServiceException.badRequest("body: a stream request with streamId and replyTo is required");
    }
    if (drained != null) {
      message.reply(new StreamRefused(503, "the agent service is stopping", 1));
      return;
    }
    Prepared prepared = replies.prepare(open.request());
    ModelCall call;
    try {
      call = backend.admit();
    } catch (ServiceException refused) {
      message.reply(new StreamRefused(refused.status(), refused.getMessage(), refused.retryAfterSeconds()));
      return;
    }
    String id = open.streamId();
    streams.put(id, new AgentStream(vertx, id, open.replyTo(), open.collect(), open.request(), prepared, call,
        meters, () -> ended(id)));
    message.reply(new StreamOpened(id, controlAddress, prepared.route().agent().id(), prepared.route().handoffs(),
        call.backend()));
  }

  /** The verticle stops: every stream ends with a 503 error (and what it generated), so callers retry elsewhere. */
  private void stopAll() {
    ServiceException stopping = new ServiceException(503, "the agent service is stopping", 1);
    Map.copyOf(streams).values().forEach(stream -> stream.abort(stopping));
  }

  /**
   * The verticle is stopping: new streams are refused (503), open ones run on for {@code graceMillis}, then
   * those still open are stopped ({@link #stopAll}: their callers store what was generated). Completes
   * once every stream has ended, at most {@code settleMillis} after the grace.
   */
  public Future<Void> drain(long graceMillis, long settleMillis) {
    if (drained == null) {
      drained = Promise.promise();
      long grace = vertx.setTimer(Math.max(1, graceMillis), timer -> {
        stopAll();
        vertx.setTimer(Math.max(1, settleMillis), late -> drained.tryComplete());
      });
      drained.future().onComplete(done -> vertx.cancelTimer(grace));
      if (streams.isEmpty()) {
        drained.tryComplete();
      }
    }
    return drained.future();
  }

  private void ended(String id) {
    streams.remove(id);
    if (drained != null && streams.isEmpty()) {
      drained.tryComplete();
    }
  }

  private void control(Message<StreamControl> message) {
    StreamControl control = message.body();
    AgentStream stream = control == null ? null : streams.get(control.streamId());
    if (stream == null) {
      message.reply(Messages.Empty.INSTANCE); // ended already: credit or cancel crossed the end on the wire
      return;
    }
    if (Messages.CONTROL_CANCEL.equals(control.type())) {
      stream.cancel();
      message.reply(Messages.Empty.INSTANCE);
    } else {
      // The first credit is a request: a gateway learns at once when this instance is gone. Answered
      // before the credit is used, so the answer reaches the gateway ahead of the first delta.
      message.reply(Messages.Empty.INSTANCE);
      stream.credit(control.credits());
    }
  }
}
