package io.genesis.common.bus;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fails fast the bus requests a cluster member that went away can no longer answer. The event bus
 * gives no signal for a request written to a member that then died, nor for one it could not even
 * connect to before the cluster noticed the death: both wait for their whole send timeout. So when a
 * member running a service leaves ({@link Addresses#CLUSTER_MEMBER_LEFT}), the requests to that service
 * sent until just after get {@link #GRACE_MILLIS}, then a {@code 503} like a timeout's: one sent to a
 * living member has long been answered by then. A member running other services changes nothing here.
 */
public final class MemberLoss {
  /** Far above a living member's answer time, far below the bus timeout. */
  public static final long GRACE_MILLIS = 1_000;
  /** Requests sent this soon after the departure may still have been routed to it (the cluster forgets it meanwhile). */
  private static final long ROUTING_LAG_NANOS = 200_000_000L;

  private final Vertx vertx;
  private final Map<Promise<?>, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(String service, long sentNanos) {}

  /** Create on the context that sends the requests: the grace timer runs there. */
  public MemberLoss(Vertx vertx) {
    this.vertx = vertx;
    if (vertx.isClustered()) {
      vertx.eventBus().<String>localConsumer(Addresses.CLUSTER_MEMBER_LEFT, left -> memberLeft(List.of(left.body().split(","))));
    }
  }

  /** {@code reply}, or a 503 naming {@code service} when a member running it left while it was unanswered. */
  public <T> Future<T> guard(Future<T> reply, String service) {
    if (!vertx.isClustered() || reply.isComplete()) {
      return reply;
    }
    Promise<T> outcome = Promise.promise();
    pending.put(outcome, new Pending(service, System.nanoTime()));
    reply.onComplete(done -> {
      pending.remove(outcome);
      if (done.succeeded()) {
        outcome.tryComplete(done.result());
      } else {
        outcome.tryFail(done.cause());
      }
    });
    return outcome.future();
  }

  private void memberLeft(List<String> services) {
    long sentBefore = System.nanoTime() + ROUTING_LAG_NANOS;
    vertx.setTimer(GRACE_MILLIS, id -> pending.forEach((promise, request) -> {
      if (services.contains(request.service()) && request.sentNanos() - sentBefore < 0) {
        pending.remove(promise);
        promise.tryFail(new ServiceException(503, request.service() + " did not answer in time", 1));
      }
    }));
  }
}
