package io.genesis.gateway.bus;

import io.genesis.common.bus.MemberLoss;
import io.genesis.common.error.ServiceException;
import io.genesis.common.metrics.RequestTimings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/**
 * Requests to the session and agent services over the event bus. Failures come back as
 * {@link ServiceException}s carrying the HTTP status to answer: a missing or silent service is a
 * fast {@code 503}, never a hang.
 */
public final class ServiceClient {
  private final EventBus bus;
  private final DeliveryOptions options;
  private final RequestTimings timings;
  private final MemberLoss memberLoss;

  /** Create on the verticle's context: see {@link MemberLoss}. */
  public ServiceClient(Vertx vertx, long timeoutMillis) {
    this(vertx.eventBus(), new DeliveryOptions().setSendTimeout(timeoutMillis), null, new MemberLoss(vertx));
  }

  private ServiceClient(EventBus bus, DeliveryOptions options, RequestTimings timings, MemberLoss memberLoss) {
    this.bus = bus;
    this.options = options;
    this.timings = timings;
    this.memberLoss = memberLoss;
  }

  /** The same client, adding each round trip to the request's stage timings (this client when there are none). */
  public ServiceClient timed(RequestTimings timings) {
    return timings == null ? this : new ServiceClient(bus, options, timings, memberLoss);
  }

  /** A request of the usual kind: when a cluster member leaves while it is unanswered, a 503 within a second. */
  public <T> Future<T> request(String address, Object body) {
    return memberLoss.guard(send(address, body, options), serviceOf(address));
  }

  /** For the rare request that may take long (erasing a user): it waits for its own timeout. */
  public <T> Future<T> request(String address, Object body, long timeoutMillis) {
    return send(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  private <T> Future<T> send(String address, Object body, DeliveryOptions options) {
    Future<Message<T>> reply = bus.request(address, body, options);
    if (timings != null) {
      long started = System.nanoTime();
      reply = reply.onComplete(done -> timings.addBus(System.nanoTime() - started,
          done.succeeded() ? serviceNanos(done.result()) : 0));
    }
    return reply
        .map(Message::body)
        .recover(failure -> Future.failedFuture(translate(address, failure)));
  }

  private static long serviceNanos(Message<?> message) {
    String reported = message.headers().get(RequestTimings.SERVICE_NANOS_HEADER);
    try {
      return reported == null ? 0 : Long.parseLong(reported);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static ServiceException translate(String address, Throwable failure) {
    return ServiceException.fromBus(serviceOf(address), failure);
  }

  /** {@code genesis.session.create} → {@code session-service}. */
  private static String serviceOf(String address) {
    String[] parts = address.split("\\.");
    return parts.length > 1 ? parts[1] + "-service" : address;
  }
}
