package io.genesis.gateway.bus;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.ClusterMember;
import io.genesis.common.bus.MemberLoss;
import io.genesis.common.metrics.Observatory;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.bus.Messages.StreamRefused;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.gateway.http.InFlight;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The gateway end of streamed replies, one per gateway-verticle instance: opens them on the agent
 * service and receives their events on this instance's own inbox (one consumer for every stream, so
 * a clustered bus registers nothing per request). Used from this verticle's event loop only.
 */
public final class ReplyStreams {
  private static final DeliveryOptions OPEN = new DeliveryOptions().setSendTimeout(5_000);
  private static final String AGENT_SERVICE = "agent-service";
  /** How long a departed member is remembered, for a stream whose opening crossed its departure on the wire. */
  private static final long DEPARTED_MEMORY_NANOS = 10_000_000_000L;

  /** What a reply whose agent-service member left ends with. */
  private static ServiceException memberLost() {
    return new ServiceException(503, "the agent service generating the reply stopped", 1);
  }
  private static final ServiceException TOO_MANY_STREAMS =
      new ServiceException(503, "too many replies streaming at once; retry in a moment", 1);

  private final Vertx vertx;
  private final long silenceMillis;
  /** Counts open streams for the {@code genesis_streams_active} gauge; null when metrics are off. */
  private final Observatory observatory;
  private final String inbox = Addresses.GATEWAY_STREAM_INBOX_PREFIX + Ids.newId();
  private final Map<String, ReplyStream> streams = new HashMap<>();
  private final MemberLoss memberLoss;
  /** Agent-service members that left the cluster lately, with when (System.nanoTime). */
  private final Map<String, Long> departed = new HashMap<>();
  /** The streamed replies (not JSON answers) of the whole process, bounded by {@code GENESIS_MAX_STREAMS_IN_FLIGHT}. */
  private final InFlight streamed;
  /** The ids of this instance's streams that hold a place in {@link #streamed}. */
  private final Set<String> counted = new HashSet<>();
  /** Replies that have ended but are not yet stored and answered ({@link #settling}). */
  private int settling;
  /** Set while draining: completes once no stream is open and none is settling. */
  private Promise<Void> drained;
  /** Set once the drain's grace is over: every open stream was cut with it, and new ones are refused with it. */
  private ServiceException cut;

  /**
   * @param silenceMillis how long a started stream may stay silent (not waiting on the client) before
   *     it fails: the agent service sends an event at least every few seconds while it works
   */
  public ReplyStreams(Vertx vertx, long silenceMillis, Observatory observatory, int maxStreamsInFlight) {
    this.vertx = vertx;
    this.streamed = InFlight.of(vertx, "streams", maxStreamsInFlight);
    this.silenceMillis = silenceMillis;
    this.observatory = observatory;
    this.memberLoss = new MemberLoss(vertx);
    if (vertx.isClustered()) {
      vertx.eventBus().<String>localConsumer(Addresses.CLUSTER_MEMBER_LEFT, this::memberLeft);
    }
  }

  public MessageConsumer<ReplyEvent> listen() {
    return vertx.eventBus().consumer(inbox, this::event);
  }

  /**
   * Routes and admits a reply: fails at once with a {@link ServiceException} (400 unknown agent, 503
   * with retry-after when the process already runs {@code GENESIS_MAX_STREAMS_IN_FLIGHT} streamed replies or
   * the model backend is full or failing, 503 when no agent service answers).
   * Nothing is generated until {@link ReplyStream#start}.
   *
   * @param collect true: no deltas, only the end (a JSON answer)
   */
  public Future<ReplyStream> open(ReplyRequest request, boolean collect) {
    if (cut != null) {
      return Future.failedFuture(cut);
    }
    String id = Ids.newId().toString();
    if (!collect) {
      if (!streamed.tryAcquire()) {
        return Future.failedFuture(TOO_MANY_STREAMS);
      }
      counted.add(id);
    }
    Future<Message<Object>> answer = vertx.eventBus().request(Addresses.AGENT_STREAM, new StreamReply(id, inbox, request, collect), OPEN);
    return memberLoss.guard(answer, AGENT_SERVICE)
        .recover(failure -> {
          // An answer that comes too late would hold a model call slot for nothing: release it.
          abandon(id);
          return Future.failedFuture(ServiceClient.translate(Addresses.AGENT_STREAM, failure));
        })
        .compose(reply -> opened(id, reply))
        .onFailure(failed -> uncount(id));
  }

  private void uncount(String id) {
    if (counted.remove(id)) {
      streamed.release();
    }
  }

  private Future<ReplyStream> opened(String id, Message<Object> reply) {
    if (reply.body() instanceof StreamRefused refused) {
      return Future.failedFuture(new ServiceException(refused.status(), refused.detail(), refused.retryAfterSeconds()));
    }
    ReplyStream stream = new ReplyStream(vertx, this, (StreamOpened) reply.body(), silenceMillis);
    streams.put(id, stream);
    if (observatory != null) {
      observatory.streamOpened();
    }
    if (cut != null) {
      stream.cut(cut); // opened while the drain was cutting: it ends at once, and nothing is generated
    } else if (departed.containsKey(stream.member())) {
      stream.lost(memberLost()); // its answer came in after its member's departure
    }
    return Future.succeededFuture(stream);
  }

  /** Streams open now. */
  public int openStreams() {
    return streams.size();
  }

  /** Tells every agent-service instance to drop the stream, wherever it is. */
  void abandon(String streamId) {
    vertx.eventBus().publish(Addresses.AGENT_STREAM_ABANDONED, new StreamControl(streamId, Messages.CONTROL_CANCEL, 0));
  }

  void send(String controlAddress, StreamControl control) {
    vertx.eventBus().send(controlAddress, control);
  }

  /** As {@link #send}, answered: fails fast when the agent-service instance is gone. */
  Future<Void> request(String controlAddress, StreamControl control) {
    return vertx.eventBus().request(controlAddress, control, OPEN).mapEmpty();
  }

  void ended(String streamId) {
    uncount(streamId);
    if (streams.remove(streamId) != null && observatory != null) {
      observatory.streamEnded();
    }
    checkDrained();
  }

  /**
   * Counts an ended reply as live until {@code stored} completes (its storing and its last answer), so
   * a drain waits for it; returns {@code stored}.
   */
  public <T> Future<T> settling(Future<T> stored) {
    settling++;
    return stored.onComplete(done -> {
      settling--;
      checkDrained();
    });
  }

  /**
   * The gateway is stopping: lets the open streams run on for {@code graceMillis}, then cuts those still
   * open with {@code why} (each ends partial, with {@code why} as its error) and refuses new ones.
   * Completes once every stream has ended and been settled, at most {@code settleMillis} after the cut.
   */
  public Future<Void> drain(long graceMillis, long settleMillis, ServiceException why) {
    if (drained == null) {
      drained = Promise.promise();
      long grace = vertx.setTimer(Math.max(1, graceMillis), timer -> {
        cut = why;
        new ArrayList<>(streams.values()).forEach(stream -> stream.cut(why));
        vertx.setTimer(Math.max(1, settleMillis), late -> drained.tryComplete());
      });
      drained.future().onComplete(done -> {
        vertx.cancelTimer(grace);
        cut = why;
      });
      checkDrained();
    }
    return drained.future();
  }

  /** Deferred: the answer to a reply that has just ended is written in the same turn, after its ending. */
  private void checkDrained() {
    if (drained != null && streams.isEmpty() && settling == 0) {
      vertx.runOnContext(later -> {
        if (streams.isEmpty() && settling == 0) {
          drained.tryComplete();
        }
      });
    }
  }

  /**
   * An agent-service member left the cluster (died, or was cut off): the replies it was generating end at
   * once, partial, with a 503 the client retries, rather than after {@code silenceMillis} of silence.
   */
  private void memberLeft(Message<String> left) {
    String member = left.headers().get(ClusterMember.LEFT_HEADER);
    if (member == null || !List.of(left.body().split(",")).contains(AGENT_SERVICE)) {
      return;
    }
    long now = System.nanoTime();
    departed.values().removeIf(when -> now - when > DEPARTED_MEMORY_NANOS);
    departed.put(member, now);
    new ArrayList<>(streams.values()).stream().filter(stream -> member.equals(stream.member()))
        .forEach(stream -> stream.lost(memberLost()));
  }

  private void event(Message<ReplyEvent> message) {
    ReplyEvent event = message.body();
    ReplyStream stream = event == null ? null : streams.get(event.streamId());
    if (stream != null) {
      stream.event(event);
    }
  }
}
