package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ReplySink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;

/**
 * One call's exchanges with the upstream: retried with backoff after a retryable failure, but only
 * while no delta has reached the sink; bounded by the total timeout; ended at once by the sink's
 * cancel, which completes the call with the text so far.
 */
final class Attempts {
  private static final Throwable CANCELLED = new IllegalStateException("cancelled by the client");

  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamConfig config;
  private final Buffer body;
  private final ReplySink sink;
  private final Answer answer;
  private final Promise<ModelAnswer> result = Promise.promise();
  private Exchange current;
  private long backoffTimer = -1;
  private int attempts;

  Attempts(Vertx vertx, HttpClient client, UpstreamConfig config, Buffer body, ReplySink sink) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.body = body;
    this.sink = sink;
    this.answer = new Answer(sink);
  }

  Future<ModelAnswer> run() {
    long total = config.settings().totalTimeoutMillis();
    long totalTimer = vertx.setTimer(total, t -> stop(UpstreamFailure.totalTimeout(total)));
    result.future().onComplete(ended -> {
      vertx.cancelTimer(totalTimer);
      vertx.cancelTimer(backoffTimer);
    });
    sink.cancelled().onComplete(cancelled -> cancel());
    attempt();
    return result.future();
  }

  private void attempt() {
    if (result.future().isComplete()) {
      return;
    }
    attempts++;
    current = new Exchange(vertx, client, config, body, answer, sink);
    current.run().onComplete(ar -> {
      if (ar.succeeded()) {
        result.tryComplete(answer.toModelAnswer());
      } else if (!result.future().isComplete()) {
        retryOrFail(UpstreamFailure.of(ar.cause(), config.settings().connectTimeoutMillis()));
      }
    });
  }

  private void retryOrFail(UpstreamFailure failure) {
    if (failure.retryable() && !answer.started() && attempts <= config.settings().maxRetries()) {
      backoffTimer = vertx.setTimer(config.backoff().delayMillis(attempts - 1), t -> attempt());
    } else {
      result.tryFail(failure.toServiceException(config.baseUrl(), attempts));
    }
  }

  private void cancel() {
    if (result.tryComplete(answer.toModelAnswer()) && current != null) {
      current.abort(CANCELLED);
    }
  }

  private void stop(UpstreamFailure failure) {
    if (result.tryFail(failure.toServiceException(config.baseUrl(), attempts)) && current != null) {
      current.abort(failure);
    }
  }
}
