package io.genesis.agent.model;

import io.genesis.common.bus.Messages.ToolUse;
import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Where a backend writes its answer, delta by delta, with the consumer's flow control: a backend stops
 * producing while {@link #paused()} (the client reads slowly) and goes on when the resume handler is
 * called; it stops for good when {@link #cancelled()} completes (the client went away). All calls
 * happen on the agent verticle's event loop.
 */
public interface ReplySink {
  /** Emits new text. A delta written while paused is still delivered (buffered), so pause promptly. */
  void delta(String text);

  /** True while the consumer has no credit left: produce nothing more until resumed. */
  boolean paused();

  /** Called (once per pause) when the consumer can take more; replaces any earlier handler. */
  void onResume(Handler<Void> handler);

  /** Completes when the consumer cancels the reply; never fails. */
  Future<Void> cancelled();

  /**
   * Reports a calculator the model called and what it answered, after the text written so far. Not part of
   * the reply's text, and not held back while paused (a reply makes a few at most).
   */
  default void tool(ToolUse use) {
  }
}
