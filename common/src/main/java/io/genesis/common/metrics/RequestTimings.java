package io.genesis.common.metrics;

import io.vertx.core.json.JsonObject;

/**
 * Where one request's time went, by stage, as the gateway saw it: verifying its token ({@code auth}),
 * waiting on event-bus round trips less what the session service reports it spent ({@code bus}), the
 * session service's own time with its caches and PostgreSQL ({@code db}), and the agent service
 * streaming the reply ({@code model}, from opening the stream to its last event). Touched only on
 * the request's event loop.
 */
public final class RequestTimings {
  /** The reply header in which a service reports the nanoseconds it spent on a request. */
  public static final String SERVICE_NANOS_HEADER = "genesis-service-nanos";

  private long authNanos;
  private long busNanos;
  private long serviceNanos;
  private long modelNanos;
  private long modelStartedAt;

  public void addAuth(long nanos) {
    authNanos += nanos;
  }

  /** One bus round trip of {@code totalNanos}, of which the service reported {@code serviceNanos}. */
  public void addBus(long totalNanos, long serviceNanos) {
    long service = Math.max(0, Math.min(serviceNanos, totalNanos));
    this.busNanos += totalNanos - service;
    this.serviceNanos += service;
  }

  /** The reply stream is open: the model stage runs from now to the request's end. */
  public void modelStarted() {
    modelStartedAt = System.nanoTime();
  }

  /** Closes the model stage, if one started, at {@code nowNanos}. */
  public RequestTimings ended(long nowNanos) {
    if (modelStartedAt != 0) {
      modelNanos += nowNanos - modelStartedAt;
      modelStartedAt = 0;
    }
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("authMs", millis(authNanos))
        .put("busMs", millis(busNanos))
        .put("dbMs", millis(serviceNanos))
        .put("modelMs", millis(modelNanos));
  }

  static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
