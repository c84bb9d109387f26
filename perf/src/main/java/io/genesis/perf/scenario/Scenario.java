package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/** A load scenario: reads its options (failing fast on bad ones), runs, and completes with its summary. */
public interface Scenario {
  /** Reads and checks the options; throws {@link IllegalArgumentException} on a bad one, before any load. */
  Prepared prepare(Vertx vertx, Args args);

  /** A scenario ready to run. */
  interface Prepared {
    Future<JsonObject> run(Consumer<JsonObject> progress);
  }
}
