package io.genesis.gateway.bus;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.bus.Messages.Usage;
import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply streaming from the agent service. Deltas flow only against credit, a credit being one
 * {@code delta} event, which carries all the text the model wrote since the last one (a batch of tokens):
 * each is written to the client as one event, frame or chunk. The gateway grants {@link #WINDOW} at a time and grants more only while the client keeps up ({@link Target#full()}), so a
 * slow reader pauses the model instead of filling memory. The stream ends once, with an {@link Ending}.
 */
public final class ReplyStream {
  /** Delta events (batches) the agent service may send ahead of the client. */
  static final int WINDOW = 32;
  /** How long a cancelled stream waits for the agent's own end before ending with what it has. */
  static final long CANCEL_GRACE_MILLIS = 5_000;
  /** How long a stream cut by a shutdown waits for the agent's own end (it holds the whole text) before ending with what it has. */
  static final long CUT_WAIT_MILLIS = 1_000;

  /** Where deltas go: an SSE response, a WebSocket, an OpenAI chunk stream. */
  public interface Target {
    void delta(String text);

    /** True while the client's write queue is full. */
    boolean full();

    /** Called once when the client has drained its queue. */
    void onDrain(Handler<Void> handler);

    /** A profile patch to offer the person (a {@code profile_suggestion}); targets that show none ignore it. */
    default void suggestion(Profile patch) {
    }

    /** A calculator the model called, after the text before it; a target that does not show them ignores it. */
    default void tool(ToolUse use) {
    }
  }

  /**
   * How a reply ended.
   *
   * @param result the reply's agent, text and handoffs (the text so far when partial or failed)
   * @param partial cut short by a cancel or a failure
   * @param error the failure, or null
   * @param finishReason {@code length} when the model was stopped at the reply size limit; null when it finished
   */
  public record Ending(ReplyResult result, boolean partial, Usage usage, ServiceException error, String finishReason) {
    public static final String LENGTH = "length";

    public Ending(ReplyResult result, boolean partial, Usage usage, ServiceException error) {
      this(result, partial, usage, error, null);
    }

    public boolean hasText() {
      return !result.text().isEmpty();
    }

    /** The same ending, failed with {@code why} (what was received stays: nothing more was stored). */
    public Ending failed(ServiceException why) {
      return new Ending(result, true, usage, why, finishReason);
    }

    /** Cut at the reply size limit: complete as far as it goes, and stored marked partial. */
    public boolean cutAtLength() {
      return LENGTH.equals(finishReason);
    }
  }

  private final Vertx vertx;
  private final ReplyStreams owner;
  private final StreamOpened opened;
  private final long silenceMillis;
  private final Promise<Ending> ending = Promise.promise();
  private final Promise<Void> started = Promise.promise();
  private final StringBuilder received = new StringBuilder();
  private final List<ToolUse> tools = new ArrayList<>();
  private Target target;
  private int outstanding;
  private boolean waitingForDrain;
  private boolean cancelled;
  /** Why the gateway cut the stream short (it is shutting down), or null. */
  private ServiceException cutBy;
  private long watchdog = -1;
  private Runnable onAlive;
  private long lastActivity;

  ReplyStream(Vertx vertx, ReplyStreams owner, StreamOpened opened, long silenceMillis) {
    this.vertx = vertx;
    this.owner = owner;
    this.opened = opened;
    this.silenceMillis = silenceMillis;
  }

  /** The agent that answers (after any handoff). */
  public String agentId() {
    return opened.agentId();
  }

  public List<Handoff> handoffs() {
    return opened.handoffs() == null ? List.of() : opened.handoffs();
  }

  /** The agent that was asked first: the one handed off from, else the one answering. */
  public String firstAgentId() {
    return handoffs().isEmpty() ? agentId() : handoffs().get(0).from();
  }

  /** Starts generation; deltas go to {@code target} (null for a collected answer). */
  public Future<Ending> start(Target deltas) {
    if (ending.future().isComplete() || cancelled) {
      return ending.future();
    }
    this.target = deltas;
    outstanding = WINDOW;
    lastActivity = System.nanoTime();
    watchdog = vertx.setTimer(silenceMillis, timer -> checkSilence());
    owner.request(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CREDIT, WINDOW))
        .onComplete(done -> {
          // tryComplete/tryFail: a stream whose member left has failed it already (lost)
          if (done.succeeded()) {
            started.tryComplete();
          } else {
            started.tryFail(done.cause());
          }
        })
        .onFailure(failure -> {
          // Alive but slow, or the answer lost: make sure it does not go on generating for nobody.
          owner.abandon(opened.streamId());
          end(new Ending(soFar(), true, null, ServiceClient.translate(Addresses.AGENT_STREAM, failure)));
        });
    return ending.future();
  }

  /**
   * Completes when the agent service took the first credit (the model is working), before any delta;
   * fails fast when that instance is gone. A caller can hold its answer's head until then, so that
   * such a failure is still a plain 503 with Retry-After.
   */
  public Future<Void> started() {
    return started.future();
  }

  /** The client went away: the agent stops, and the stream ends partial with what was generated. */
  public void cancel() {
    if (cancelled || ending.future().isComplete()) {
      return;
    }
    cancelled = true;
    owner.send(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CANCEL, 0));
    rearm(CANCEL_GRACE_MILLIS);
  }

  /**
   * The gateway is shutting down: the agent stops, and the stream ends partial with what was generated
   * and {@code why} as its error, so the client is told to come back (unless the reply was complete).
   */
  public void cut(ServiceException why) {
    if (ending.future().isComplete()) {
      return;
    }
    cutBy = why;
    if (!cancelled) {
      cancelled = true;
      owner.send(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CANCEL, 0));
    }
    rearm(CUT_WAIT_MILLIS);
  }

  /**
   * The agent-service member generating the reply left the cluster: the stream ends at once, partial with
   * what was received and {@code why} as its error (the cancel is for a member that was only cut off).
   */
  void lost(ServiceException why) {
    if (ending.future().isComplete()) {
      return;
    }
    if (!cancelled) {
      cancelled = true;
      owner.send(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CANCEL, 0));
    }
    cutBy = why;
    started.tryFail(why);
    end(new Ending(soFar(), true, null, why));
  }

  /** The cluster member generating the reply; null when not clustered. */
  String member() {
    return opened.member();
  }

  public Future<Ending> ending() {
    return ending.future();
  }

  /** Called whenever the agent service says the reply is alive while the model is silent (every few seconds). */
  public void onAlive(Runnable action) {
    this.onAlive = action;
  }

  /** Whether the reply streams its deltas (a collected reply has none). */
  public boolean streamed() {
    return target != null;
  }

  /** Every delta's text so far, concatenated: what a streaming client was sent. */
  public String streamedText() {
    return received.toString();
  }

  void event(ReplyEvent event) {
    lastActivity = System.nanoTime();
    switch (event.type()) {
      case Messages.EVENT_DELTA -> delta(event.text());
      case Messages.EVENT_END -> end(new Ending(event.result(), event.partial(), event.usage(), !event.partial() ? null
          : cutBy != null ? cutBy : cancelled ? null : new ServiceException(502, "the agent service cut the reply short", 1),
          event.finishReason()));
      case Messages.EVENT_ERROR -> end(new Ending(event.result(), true, null, cutBy != null ? cutBy
          : new ServiceException(event.status(), event.detail(), event.retryAfterSeconds())));
      case Messages.EVENT_SUGGESTION -> {
        if (target != null && event.suggestion() != null) {
          target.suggestion(event.suggestion());
        }
      }
      case Messages.EVENT_TOOL -> tool(event.tool());
      case Messages.EVENT_ALIVE -> {
        if (onAlive != null) {
          onAlive.run();
        }
      }
      default -> { }
    }
  }

  /** The calculator calls the model made so far, in order (a collected reply's are kept here for its journal). */
  public List<ToolUse> tools() {
    return tools;
  }

  private void tool(ToolUse use) {
    if (use == null) {
      return;
    }
    tools.add(use);
    if (target != null) {
      target.tool(use);
    }
  }

  private void delta(String text) {
    outstanding--;
    received.append(text);
    if (target == null) {
      if (!cancelled) {
        refill(); // nobody reads (a client that left before it started): the model goes on to the detached bound
      }
      return;
    }
    // Even after a cancel: the text that still arrives is stored, so the client (or the journal) gets it too.
    target.delta(text);
    if (cancelled) {
      return;
    }
    if (target.full()) {
      if (!waitingForDrain) {
        waitingForDrain = true;
        target.onDrain(drained -> {
          waitingForDrain = false;
          lastActivity = System.nanoTime();
          refill();
        });
      }
    } else {
      refill();
    }
  }

  private void refill() {
    if (!cancelled && !ending.future().isComplete() && outstanding <= WINDOW / 2) {
      grant(WINDOW - outstanding);
    }
  }

  private void grant(int credits) {
    outstanding += credits;
    owner.send(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CREDIT, credits));
  }

  /** One timer per stream, re-armed for the time left, rather than one per delta. */
  private void checkSilence() {
    long quietMillis = (System.nanoTime() - lastActivity) / 1_000_000;
    if (waitingForDrain || quietMillis < silenceMillis) {
      watchdog = vertx.setTimer(waitingForDrain ? silenceMillis : silenceMillis - quietMillis, timer -> checkSilence());
    } else {
      silent();
    }
  }

  private void rearm(long millis) {
    vertx.cancelTimer(watchdog);
    watchdog = vertx.setTimer(millis, timer -> silent());
  }

  private ReplyResult soFar() {
    return new ReplyResult(opened.agentId(), received.toString(), handoffs());
  }

  private void silent() {
    ReplyResult sofar = soFar();
    if (cancelled) {
      end(new Ending(sofar, true, null, cutBy));
    } else {
      owner.send(opened.controlAddress(), new StreamControl(opened.streamId(), Messages.CONTROL_CANCEL, 0));
      end(new Ending(sofar, true, null, new ServiceException(503, "the agent service went silent", 1)));
    }
  }

  private void end(Ending last) {
    vertx.cancelTimer(watchdog);
    owner.ended(opened.streamId());
    ending.tryComplete(last);
  }
}
