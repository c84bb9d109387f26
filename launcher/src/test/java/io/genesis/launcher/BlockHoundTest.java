package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BlockHound guards the event loops in this suite")
class BlockHoundTest {
  @Test
  @DisplayName("a blocking call on a vert.x-eventloop thread is caught")
  void catchesBlockingCalls() {
    Vertx vertx = Vertx.vertx();
    try {
      Future<String> outcome = vertx.getOrCreateContext().executeBlocking(() -> "worker threads may block")
          .compose(ignored -> Future.<String>future(promise -> vertx.runOnContext(v -> {
            try {
              Thread.sleep(1);
              promise.complete("not caught");
            } catch (Throwable error) {
              promise.complete(error.getClass().getSimpleName());
            }
          })));
      assertEquals("BlockingOperationError", Await.result(outcome, Duration.ofSeconds(10)));
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }
}
