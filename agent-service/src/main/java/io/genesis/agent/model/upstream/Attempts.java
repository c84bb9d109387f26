package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ReplySink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's exchanges with the upstream. The first token must come within one budget
 * ({@code GENESIS_MODEL_FIRST_TOKEN_TIMEOUT_MS}) however many attempts it takes: a failure a retry can
 * cure (a refused connection, 5xx, 429) is retried with backoff while no delta has reached the sink and
 * the budget leaves room for the pause; a silent upstream is not retried. Bounded by the total timeout
 * too; ended at once by the sink's cancel, which completes the call with the text so far.
 */
final class Attempts {
  private static final Logger LOG = LoggerFactory.getLogger(Attempts.class);
  private static final Throwable CANCELLED = new IllegalStateException("cancelled by the client");
  /** A retry needs at least this much of the budget left after its pause to be worth making. */
  private static final long MIN_ATTEMPT_MILLIS = 100;

  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamConfig config;
  private final Buffer body;
  private final ReplySink sink;
  private final Answer answer;
  private final Promise<ModelAnswer> result = Promise.promise();
  private Exchange current;
  private long backoffTimer = -1;
  private long budgetTimer = -1;
  private final long replyStartedAt;
  private long startedAt;
  private int attempts;

  Attempts(Vertx vertx, HttpClient client, UpstreamConfig config, Buffer body, ReplySink sink) {
    this(vertx, client, config, body, sink, new Answer(sink, config.settings().maxReplyChars()), System.nanoTime());
  }

  /**
   * One round of a reply whose model calls tools: {@code answer} holds the text of the rounds before, and
   * the total timeout counts from {@code replyStartedAt} (nanos), the start of the reply's first round.
   */
  Attempts(Vertx vertx, HttpClient client, UpstreamConfig config, Buffer body, ReplySink sink, Answer answer,
           long replyStartedAt) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.body = body;
    this.sink = sink;
    this.answer = answer;
    this.replyStartedAt = replyStartedAt;
  }

  /** The tool calls of the answer the call completed with (none before it completed, or without tools). */
  ToolCallAssembler toolCalls() {
    return result.future().succeeded() && current != null ? current.toolCalls() : new ToolCallAssembler();
  }

  Future<ModelAnswer> run() {
    startedAt = System.nanoTime();
    long total = config.settings().totalTimeoutMillis();
    long budget = config.settings().firstTokenTimeoutMillis();
    long totalLeft = Math.max(1, total - (startedAt - replyStartedAt) / 1_000_000);
    long totalTimer = vertx.setTimer(totalLeft, t -> stop(UpstreamFailure.totalTimeout(total)));
    if (!answer.started()) { // a later round of a reply whose text has begun: the idle timeout watches it
      budgetTimer = vertx.setTimer(budget, t -> stop(UpstreamFailure.firstTokenTimeout(budget)));
      answer.onStart(() -> vertx.cancelTimer(budgetTimer));
    }
    result.future().onComplete(ended -> {
      vertx.cancelTimer(totalTimer);
      vertx.cancelTimer(budgetTimer);
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
    long delay = config.backoff().delayMillis(attempts - 1);
    long budgetLeft = config.settings().firstTokenTimeoutMillis() - elapsedMillis();
    if (failure.retryable() && !answer.started() && attempts <= config.settings().maxRetries()
        && budgetLeft - delay >= MIN_ATTEMPT_MILLIS) {
      LOG.debug("model upstream attempt {} failed, retrying in {} ms: {}", attempts, delay, failure.getMessage());
      backoffTimer = vertx.setTimer(delay, t -> attempt());
    } else {
      failWith(failure);
    }
  }

  private void cancel() {
    if (result.tryComplete(answer.toModelAnswer()) && current != null) {
      current.abort(CANCELLED);
    }
  }

  private void stop(UpstreamFailure failure) {
    if (failWith(failure) && current != null) {
      current.abort(failure);
    }
  }

  private boolean failWith(UpstreamFailure failure) {
    UpstreamFailure.Logged error = failure.toServiceException(config.baseUrl(), attempts);
    if (!result.tryFail(error)) {
      return false;
    }
    LOG.warn("{}, after {} ms and {} delta(s)", error.logged(), elapsedMillis(), answer.deltas());
    return true;
  }

  private long elapsedMillis() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }
}
