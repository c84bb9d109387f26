package io.genesis.agent.stream;

import io.genesis.agent.metrics.AgentMeters;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.model.ReplySink;
import io.genesis.agent.reply.ReplyService.Prepared;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.bus.Messages.Usage;
import io.genesis.common.error.ServiceException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One streamed reply on the agent side: a {@link ReplySink} that forwards what the model writes to the
 * caller's inbox in batches, and ends with exactly one {@code end} or {@code error} event. The first
 * piece goes out at once; later pieces gather until the end of the event-loop turn that wrote them,
 * then go as one {@code delta} event carrying all their text. A credit is one such event (a batch, not
 * a token): with none left the text waits, and the model pauses, until the caller grants more.
 * Nothing is generated before the first credit. A caller that never sends credit, or stops sending it
 * for {@link #STALL_MILLIS}, is treated as gone: the stream ends with an error. While the model is
 * silent, an {@code alive} event goes out every {@link #HEARTBEAT_MILLIS}, so the caller can tell a
 * slow model from a lost agent service. All on one event loop.
 */
final class AgentStream implements ReplySink {
  static final long START_MILLIS = 10_000;
  static final long STALL_MILLIS = 60_000;
  static final long HEARTBEAT_MILLIS = 5_000;

  private final Vertx vertx;
  private final String streamId;
  private final String replyTo;
  private final boolean collect;
  private final ReplyRequest request;
  private final Prepared prepared;
  private final ModelCall call;
  private final Runnable onEnd;
  private final AgentMeters meters;
  private long startedAt;
  private final Promise<Void> cancelled = Promise.promise();
  private final StringBuilder text = new StringBuilder();
  /** What the model wrote that has not gone out yet. */
  private final StringBuilder pending = new StringBuilder();
  private int credits;
  /** The pieces the model wrote (its tokens, for the usage estimate), not the batches sent. */
  private int deltas;
  private boolean flushQueued;
  private boolean started;
  private boolean ended;
  private Handler<Void> resume;
  private long deadline;
  private long heartbeat = -1;
  private long lastSent = System.nanoTime();
  /** Why the agent service itself stopped this stream (not the caller's cancel), or null. */
  private ServiceException aborted;

  AgentStream(Vertx vertx, String streamId, String replyTo, boolean collect, ReplyRequest request,
              Prepared prepared, ModelCall call, AgentMeters meters, Runnable onEnd) {
    this.vertx = vertx;
    this.streamId = streamId;
    this.replyTo = replyTo;
    this.collect = collect;
    this.request = request;
    this.prepared = prepared;
    this.call = call;
    this.onEnd = onEnd;
    this.meters = meters;
    this.deadline = vertx.setTimer(START_MILLIS, timer ->
        abort(new ServiceException(504, "the caller did not start the reply within " + START_MILLIS + " ms")));
  }

  void credit(int more) {
    if (ended || more <= 0) {
      return;
    }
    credits += more;
    if (!started) {
      start();
      return;
    }
    flush();
    if (credits > 0 && resume != null) {
      Handler<Void> next = resume;
      resume = null;
      vertx.cancelTimer(deadline);
      next.handle(null);
    }
  }

  /** The caller cancels: the stream ends with what was generated, partial. */
  void cancel() {
    cancelled.tryComplete();
    if (!started) {
      call.release();
      finish(Future.succeededFuture(ModelAnswer.of("")));
    }
  }

  /** The agent service stops the stream itself: it ends with an error event (and what was generated). */
  void abort(ServiceException why) {
    if (!ended && aborted == null) {
      aborted = why;
      cancel();
    }
  }

  private void start() {
    started = true;
    startedAt = System.nanoTime();
    meters.handoffs(prepared.route().handoffs());
    vertx.cancelTimer(deadline);
    heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, timer -> {
      if (System.nanoTime() - lastSent >= HEARTBEAT_MILLIS * 1_000_000 && !paused()) {
        send(ReplyEvent.alive(streamId));
      }
    });
    // A stateless request carries its history; a session's is read only when the model uses it.
    boolean readSession = call.needsHistory() && request.history() == null && request.sessionId() != null;
    Future<ModelRequest> model = readSession
        ? History.before(vertx.eventBus(), request).map(turns -> prepared.modelRequest().withHistory(turns))
        : Future.succeededFuture(prepared.modelRequest());
    // Both backends answer from what is known of the person: the offline coach when the message needs it, an
    // upstream model always (its system prompt carries the profile).
    boolean upstream = call.needsHistory();
    model = model.compose(ask -> (upstream ? CoachingFacts.forModel(vertx.eventBus(), request, ask)
        : CoachingFacts.of(vertx.eventBus(), request, ask)).map(known -> {
          if (!known.suggestion().isEmpty() && !ended) {
            send(ReplyEvent.suggestion(streamId, known.suggestion()));
          }
          return ask.withFacts(known.facts());
        }));
    model.compose(ask -> call.stream(ask, this)).onComplete(this::finish);
  }

  @Override
  public void delta(String piece) {
    if (ended || piece.isEmpty()) {
      return;
    }
    text.append(piece);
    if (deltas++ == 0) {
      meters.firstToken(prepared.route().agent().id(), call.backend(), !prepared.route().handoffs().isEmpty(),
          System.nanoTime() - startedAt);
    }
    if (collect) {
      return;
    }
    pending.append(piece);
    if (deltas == 1) {
      flush(); // the first token is not held back
    } else if (!flushQueued && credits > 0) {
      flushQueued = true;
      vertx.runOnContext(turnEnded -> {
        flushQueued = false;
        flush();
      });
    }
  }

  /** Sends what is pending as one delta, if the caller has credit for it. */
  private void flush() {
    if (credits > 0 && !pending.isEmpty() && !ended) {
      credits--;
      sendPending();
    }
  }

  private void sendPending() {
    String batch = pending.toString();
    pending.setLength(0);
    send(ReplyEvent.delta(streamId, batch));
  }

  /**
   * A calculator the model called: the text written before it goes first, as a delta, then the {@code tool}
   * event, which takes no credit. That delta counts against the credits even when none is left (they go
   * below zero until the next grant), as the gateway counts every delta it receives. A collected reply gets
   * the event too (its caller keeps it for the journal).
   */
  @Override
  public void tool(ToolUse use) {
    if (ended) {
      return;
    }
    if (!pending.isEmpty()) {
      credits--;
      sendPending();
    }
    send(ReplyEvent.tool(streamId, use));
  }

  @Override
  public boolean paused() {
    return !collect && credits <= 0;
  }

  @Override
  public void onResume(Handler<Void> handler) {
    resume = handler;
    vertx.cancelTimer(deadline);
    deadline = vertx.setTimer(STALL_MILLIS, timer ->
        abort(new ServiceException(504, "the client read nothing for " + STALL_MILLIS / 1000 + " s")));
  }

  @Override
  public Future<Void> cancelled() {
    return cancelled.future();
  }

  private void finish(AsyncResult<ModelAnswer> outcome) {
    if (ended) {
      return;
    }
    ended = true;
    if (!pending.isEmpty()) {
      sendPending(); // the text the model wrote before it ended reaches the caller ahead of the end, credit or not
    }
    vertx.cancelTimer(deadline);
    vertx.cancelTimer(heartbeat);
    call.release();
    String agentId = prepared.route().agent().id();
    ReplyEvent last;
    if (aborted != null) {
      ReplyResult partial = new ReplyResult(agentId, text.toString(), prepared.route().handoffs());
      last = ReplyEvent.error(streamId, partial, aborted.status(), aborted.getMessage(), aborted.retryAfterSeconds());
    } else if (outcome.succeeded()) {
      ModelAnswer answer = outcome.result();
      ReplyResult result = new ReplyResult(agentId, answer.text(), prepared.route().handoffs());
      last = ReplyEvent.end(streamId, result, cancelled.future().isComplete(),
          answer.usage() != null ? answer.usage() : estimatedUsage(), answer.finishReason());
    } else {
      Throwable failure = outcome.cause();
      ServiceException error = failure instanceof ServiceException se ? se
          : new ServiceException(500, "the reply failed: " + failure.getMessage());
      ReplyResult partial = new ReplyResult(agentId, text.toString(), prepared.route().handoffs());
      last = ReplyEvent.error(streamId, partial, error.status(), error.getMessage(), error.retryAfterSeconds());
    }
    send(last);
    if (started) {
      String ending = aborted != null || outcome.failed() ? "error" : cancelled.future().isComplete() ? "partial" : "done";
      meters.streamEnded(agentId, call.backend(), ending, tokens(aborted == null && outcome.succeeded() ? outcome.result() : null));
    }
    onEnd.run();
  }

  private void send(ReplyEvent event) {
    lastSent = System.nanoTime();
    vertx.eventBus().send(replyTo, event);
  }

  /** The model's count of completion tokens when it gave one, else the deltas sent. */
  private long tokens(ModelAnswer answer) {
    return answer != null && answer.usage() != null ? answer.usage().completionTokens() : deltas;
  }

  /** About four characters per token, as OpenAI's tokenizer averages on English text. */
  private Usage estimatedUsage() {
    ModelRequest model = prepared.modelRequest();
    long promptChars = model.agent().systemPrompt().length() + model.userText().length();
    for (ChatTurn turn : model.history()) {
      promptChars += turn.content().length();
    }
    return new Usage((int) (promptChars / 4 + 1), deltas);
  }
}
