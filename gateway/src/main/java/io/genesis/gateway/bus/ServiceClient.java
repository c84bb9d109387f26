package io.genesis.gateway.bus;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
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

  public ServiceClient(EventBus bus, long timeoutMillis) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMillis);
  }

  public <T> Future<T> request(String address, Object body) {
    return send(address, body, options);
  }

  /** For the rare request that may take long (an agent's reply from a model). */
  public <T> Future<T> request(String address, Object body, long timeoutMillis) {
    return send(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  private <T> Future<T> send(String address, Object body, DeliveryOptions options) {
    return bus.<T>request(address, body, options)
        .map(Message::body)
        .recover(failure -> Future.failedFuture(translate(address, failure)));
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
