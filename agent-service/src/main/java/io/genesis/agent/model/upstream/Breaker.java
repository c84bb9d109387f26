package io.genesis.agent.model.upstream;

import io.genesis.common.metrics.Meters;
import io.micrometer.core.instrument.Gauge;
import io.genesis.common.config.ModelSettings;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's circuit breaker (vertx-circuit-breaker). A whole call counts once, whatever its
 * retries: {@code breakerFailures} failed calls in a row open it; while open no call goes; after
 * {@code breakerResetMillis} it lets one trial call through (half-open), whose success closes it and
 * whose failure opens it again. A cancelled call counts as a success. A call ends, and counts, as soon
 * as its first-token budget runs out, so that the calls behind a hung upstream are refused fast.
 */
final class Breaker {
  private static final Logger LOG = LoggerFactory.getLogger(Breaker.class);
  /**
   * The library counts failures in a rolling window (10 s by default): widened, so that failures in a
   * row count even when each takes long.
   */
  private static final long FAILURE_WINDOW_MILLIS = 600_000;

  enum Admission { GO, TRIAL, REFUSED }

  private final CircuitBreaker breaker;
  private final long resetMillis;
  private final AtomicBoolean trialTaken = new AtomicBoolean();
  private volatile long openedAt;

  Breaker(Vertx vertx, String upstream, ModelSettings settings) {
    this.resetMillis = settings.breakerResetMillis();
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(settings.breakerFailures())
        .setResetTimeout(resetMillis)
        .setTimeout(-1)
        .setMaxRetries(0)
        .setFailuresRollingWindow(FAILURE_WINDOW_MILLIS)
        .setNotificationAddress(null);
    this.breaker = CircuitBreaker.create("model upstream " + upstream, vertx, options)
        .openHandler(opened -> {
          openedAt = System.currentTimeMillis();
          LOG.warn("{}: circuit breaker open for {} ms", breaker().name(), resetMillis);
        })
        .closeHandler(closed -> LOG.info("{}: circuit breaker closed", breaker().name()));
    Gauge.builder("genesis.circuit.breaker.state", this, Breaker::stateValue).tags("breaker", "model-upstream")
        .description("The model upstream's circuit breaker: 0 closed, 1 half-open, 2 open").register(Meters.registry(vertx));
  }

  private double stateValue() {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** Whether a call may go now; half-open, only one trial call at a time goes. */
  Admission admit() {
    CircuitBreakerState state = breaker.state();
    if (state == CircuitBreakerState.CLOSED) {
      return Admission.GO;
    }
    return state == CircuitBreakerState.HALF_OPEN && trialTaken.compareAndSet(false, true)
        ? Admission.TRIAL : Admission.REFUSED;
  }

  /** The trial call ended (or was released unused): the next call may be the trial. */
  void trialEnded() {
    trialTaken.set(false);
  }

  /** Runs a call under the breaker; fails with {@code OpenCircuitException} when it is open by then. */
  <T> Future<T> execute(Supplier<Future<T>> call) {
    return breaker.execute(call);
  }

  boolean isOpen() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  /** Seconds until a trial call may go (at least 1). */
  int secondsUntilTrial() {
    long left = openedAt + resetMillis - System.currentTimeMillis();
    return (int) Math.max(1, (left + 999) / 1000);
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  void close() {
    breaker.close();
  }
}
