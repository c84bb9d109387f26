package io.genesis.common.bus;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fails fast the bus requests a cluster member that went away can no longer answer. The event bus
 * gives no signal for a request written to a member that then died, nor for one it could not even
 * connect to before the cluster noticed the death: both wait for their whole send timeout. So when a
 * member leaves, every request still unanswered gets {@link #GRACE_MILLIS} more, then a {@code 503}
 * like a timeout's: one sent to a living member has long been answered by then. Requests sent after
 * the member left go only to living members and are not touched.
 */
public final class MemberLoss {
  /** Far above a living member's answer time, far below the bus timeout. */
  public static final long GRACE_MILLIS = 1_000;

  private final Vertx vertx;
  private final Map<Promise<?>, String> pending = new ConcurrentHashMap<>();

  /** Create on the context that sends the requests: the grace timer runs there. */
  public MemberLoss(Vertx vertx) {
    this.vertx = vertx;
    if (vertx.isClustered()) {
      vertx.eventBus().localConsumer(Addresses.CLUSTER_MEMBER_LEFT, left -> memberLeft());
    }
  }

  /** {@code reply}, or a 503 naming {@code service} when a member left while it was still unanswered. */
  public <T> Future<T> guard(Future<T> reply, String service) {
    if (!vertx.isClustered() || reply.isComplete()) {
      return reply;
    }
    Promise<T> outcome = Promise.promise();
    pending.put(outcome, service);
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

  private void memberLeft() {
    Map<Promise<?>, String> waiting = Map.copyOf(pending);
    if (!waiting.isEmpty()) {
      vertx.setTimer(GRACE_MILLIS, id -> waiting.forEach((promise, service) -> {
        pending.remove(promise);
        promise.tryFail(new ServiceException(503, service + " did not answer in time", 1));
      }));
    }
  }
}
