package io.genesis.agent.model.upstream;

import io.genesis.agent.coach.calc.CalculatorTools;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.model.ReplySink;
import io.genesis.common.error.ServiceException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpClient;
import java.util.concurrent.atomic.AtomicBoolean;

/** One admitted upstream call: holds a bulkhead slot (and maybe the breaker's trial) until it ends. */
final class UpstreamCall implements ModelCall {
  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamConfig config;
  private final Breaker breaker;
  private final Runnable onEnd;
  private final AtomicBoolean streamed = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();

  UpstreamCall(Vertx vertx, HttpClient client, UpstreamConfig config, Breaker breaker, Runnable onEnd) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.breaker = breaker;
    this.onEnd = onEnd;
  }

  @Override
  public String backend() {
    return UpstreamBackend.NAME;
  }

  @Override
  public boolean needsHistory() {
    return true;
  }

  @Override
  public Future<ModelAnswer> stream(ModelRequest request, ReplySink sink) {
    if (ended.get() || !streamed.compareAndSet(false, true)) {
      return Future.failedFuture(new IllegalStateException("a model call streams once, and not after release()"));
    }
    String model = config.modelFor(request.agent());
    if (model == null) {
      end();
      return Future.failedFuture(new ServiceException(500, "agent '" + request.agent().id()
          + "' names no model and GENESIS_MODEL_NAME is not set"));
    }
    JsonObject body = ChatRequest.body(request, model, config.settings().contextTokens(), config.maxTokensFor(request.agent()));
    JsonArray tools = config.settings().toolRounds() > 0 ? CalculatorTools.definitions(request.agent().calculators())
        : new JsonArray();
    ToolRounds rounds = new ToolRounds(vertx, client, config, body, tools, sink);
    // A model that keeps calling tools fails the reply, not the upstream: the breaker counts the call a success.
    return breaker.<ModelAnswer>execute(rounds::run)
        .recover(this::failed)
        .compose(answer -> rounds.overrun() == null ? Future.succeededFuture(answer) : Future.failedFuture(rounds.overrun()))
        .onComplete(done -> end());
  }

  @Override
  public void release() {
    if (!streamed.get()) {
      end();
    }
  }

  /**
   * The breaker opened between admit() and stream(): refused. A failed call that opened the breaker
   * tells its caller to come back when the trial call may go, not after the default second.
   */
  private Future<ModelAnswer> failed(Throwable failure) {
    if (failure instanceof OpenCircuitException) {
      return Future.failedFuture(UpstreamBackend.breakerOpen(breaker));
    }
    if (failure instanceof UpstreamFailure.Logged logged && breaker.isOpen()) {
      return Future.failedFuture(logged.retryAfter(breaker.secondsUntilTrial()));
    }
    return Future.failedFuture(failure);
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
    }
  }
}
