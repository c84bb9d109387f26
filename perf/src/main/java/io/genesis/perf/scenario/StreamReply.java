package io.genesis.perf.scenario;

import io.genesis.perf.load.Recorder;
import io.genesis.perf.load.Workload.Iteration;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One streamed reply as the client saw it, over SSE or a WebSocket: when its response head came (SSE),
 * when its first and last deltas came, how many, and how it ended: {@code done}, or a failure outcome
 * (an HTTP status such as {@code "429"}, {@code "error-503"} for an {@code error} event or frame,
 * {@code "protocol"} for a stream that ended without {@code done}, {@code "timeout"}, {@code "connection"},
 * {@code "closed"} for a socket that closed under it). Touched only from the run's event loop.
 */
public final class StreamReply {
  private final Promise<Void> head = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private long firstDeltaNanos = -1;
  private long lastDeltaNanos;
  private int deltas;
  private long endNanos;
  private String failure;
  private Runnable cancel = () -> {};

  /** The response head came with status 200: the stream is open. */
  void opened() {
    head.tryComplete();
  }

  /** A delta; the first one also opens a stream that has no response head of its own (a WebSocket reply). */
  void delta() {
    long now = System.nanoTime();
    if (deltas++ == 0) {
      firstDeltaNanos = now;
      head.tryComplete();
    }
    lastDeltaNanos = now;
  }

  void done() {
    end(null, null);
  }

  /** Ends the reply as failed with {@code outcome}; nothing once it has ended. */
  void fail(String outcome, String message) {
    end(outcome, message);
  }

  private void end(String outcome, String message) {
    if (ended.future().isComplete()) {
      return;
    }
    endNanos = System.nanoTime();
    failure = outcome;
    head.tryFail(outcome + ": " + message);
    if (outcome == null) {
      ended.complete();
    } else {
      ended.fail(outcome + ": " + message);
    }
  }

  /** How to hang up on this stream before it ends (closes its connection). */
  void cancelWith(Runnable cancel) {
    this.cancel = cancel;
  }

  /** Hangs up: the reply ends as {@code "cancelled"}. */
  public void cancel() {
    if (!isEnded()) {
      fail("cancelled", "the client hung up");
      cancel.run();
    }
  }

  /** Completes when the stream is open (SSE: a 200 head); fails if the reply ends before. */
  public Future<Void> head() {
    return head.future();
  }

  /** Succeeds at {@code done}; fails with the outcome and a message otherwise. */
  public Future<Void> future() {
    return ended.future();
  }

  public boolean isEnded() {
    return ended.future().isComplete();
  }

  /** The failure outcome, or null after {@code done} (or before the end). */
  public String failure() {
    return failure;
  }

  /** When it ended ({@link System#nanoTime()}). */
  public long endNanos() {
    return endNanos;
  }

  public int deltas() {
    return deltas;
  }

  /**
   * Records the ended reply as request {@code name} timed from {@code startNanos}, its time to first
   * delta ({@code ttft}) when a delta came, and, when it succeeded, its {@code deltas} and its
   * {@code tokensPerSecond}: the deltas after the first over the time from the first to the last.
   */
  public void record(Iteration iteration, String name, long startNanos) {
    Recorder recorder = iteration.recorder();
    recorder.request(name, iteration.stage(), startNanos, endNanos, failure);
    if (deltas > 0) {
      recorder.time("ttft", startNanos, firstDeltaNanos);
    }
    if (failure == null) {
      recorder.amount("deltas", "deltas", startNanos, deltas);
      if (deltas > 1 && lastDeltaNanos > firstDeltaNanos) {
        recorder.amount("tokensPerSecond", "tokens/s", startNanos, (deltas - 1) * 1e9 / (lastDeltaNanos - firstDeltaNanos));
      }
    }
  }
}
