package io.genesis.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.coach.OfflineCoach;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OfflineBackendTest {

  @Test
  @DisplayName("the offline backend streams word by word and the deltas add up to the whole answer")
  void streamsDeltas() {
    OfflineBackend backend = new OfflineBackend(null, new OfflineCoach(), 0);
    List<String> deltas = new ArrayList<>();
    ModelRequest request = ModelRequest.of(TestAgents.builtIn().find("volt").orElseThrow(), "I ran 5k in 25:00");
    Future<String> done = backend.admit().stream(request, unbounded(deltas::add)).map(ModelAnswer::text);
    assertTrue(done.succeeded());
    assertTrue(deltas.size() > 10, "deltas: " + deltas.size());
    assertEquals(done.result(), String.join("", deltas));
    assertTrue(done.result().contains("5 km in 25:00"), done.result());
  }

  /** A sink that takes everything at once and is never cancelled. */
  private static ReplySink unbounded(Handler<String> onDelta) {
    Future<Void> never = Promise.<Void>promise().future();
    return new ReplySink() {
      @Override
      public void delta(String text) {
        onDelta.handle(text);
      }

      @Override
      public boolean paused() {
        return false;
      }

      @Override
      public void onResume(Handler<Void> handler) {
      }

      @Override
      public Future<Void> cancelled() {
        return never;
      }
    };
  }
}
