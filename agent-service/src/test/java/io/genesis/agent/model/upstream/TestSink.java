package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ReplySink;
import io.genesis.common.bus.Messages.ToolUse;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink for tests: records deltas, can cancel after N deltas, and can pause after every delta and
 * resume on the next event-loop turn (counting deltas written while it was paused).
 */
final class TestSink implements ReplySink {
  final List<String> deltas = new ArrayList<>();
  /** The calculator calls reported, in order. */
  final List<ToolUse> tools = new ArrayList<>();
  private final Promise<Void> cancelled = Promise.promise();
  private final Vertx vertx;
  private final int cancelAfter;
  private final boolean pauseEach;
  private boolean paused;
  private int deltasWhilePaused;
  private int pauses;

  private TestSink(Vertx vertx, int cancelAfter, boolean pauseEach) {
    this.vertx = vertx;
    this.cancelAfter = cancelAfter;
    this.pauseEach = pauseEach;
  }

  static TestSink unbounded() {
    return new TestSink(null, -1, false);
  }

  static TestSink cancellingAfter(int deltas) {
    return new TestSink(null, deltas, false);
  }

  static TestSink pausingAfterEachDelta(Vertx vertx) {
    return new TestSink(vertx, -1, true);
  }

  @Override
  public void delta(String text) {
    if (paused) {
      deltasWhilePaused++;
    }
    deltas.add(text);
    paused = pauseEach;
    if (deltas.size() == cancelAfter) {
      cancelled.tryComplete();
    }
  }

  @Override
  public void tool(ToolUse use) {
    tools.add(use);
  }

  @Override
  public boolean paused() {
    return paused;
  }

  @Override
  public void onResume(Handler<Void> handler) {
    pauses++;
    vertx.runOnContext(v -> {
      paused = false;
      handler.handle(null);
    });
  }

  @Override
  public Future<Void> cancelled() {
    return cancelled.future();
  }

  String text() {
    return String.join("", deltas);
  }

  int deltasWhilePaused() {
    return deltasWhilePaused;
  }

  int pauses() {
    return pauses;
  }
}
