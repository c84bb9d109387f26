package io.genesis.perf.load;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** What a scenario sends: set up once, then one iteration per arrival (open model) or per loop of a virtual user. */
public interface Workload {
  /** Before the clock starts: tokens, sessions, connections. */
  default Future<Void> setUp() {
    return Future.succeededFuture();
  }

  /** One iteration; records its own requests into {@code iteration.recorder()}, latency from {@code intendedNanos}. */
  Future<Void> iterate(Iteration iteration);

  /** After the last iteration ended. */
  default Future<Void> tearDown() {
    return Future.succeededFuture();
  }

  /** Figures of the workload's own to add to the summary (e.g. streams held), or an empty object. */
  default JsonObject figures() {
    return new JsonObject();
  }

  /** One iteration: due at {@code intendedNanos} ({@link System#nanoTime()}), in stage {@code stage} of the schedule. */
  record Iteration(long intendedNanos, int stage, Recorder recorder) {
    public void request(String name, long endNanos, String failure) {
      recorder.request(name, stage, intendedNanos, endNanos, failure);
    }
  }
}
