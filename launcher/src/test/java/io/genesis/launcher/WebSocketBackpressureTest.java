package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket client that stops reading must pause the model, not fill the gateway's memory. The
 * gateway runs alone here, with {@link EndlessAgent} on its bus producing a reply far larger than the
 * socket buffers between them (about 4 MB here), strictly against the gateway's credit. The client
 * reads with a small receive buffer and stops reading at the TCP level.
 */
@DisplayName("WebSocket backpressure: a client that stops reading pauses the model")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class WebSocketBackpressureTest {
  private static final int PIECES = 2_000;
  private static final int PIECE_CHARS = 8_192;
  private static final long QUIET_MILLIS = 500;

  @TempDir
  static Path dataDir;

  private Genesis gateway;
  private EndlessAgent agent;
  private String token;

  @BeforeAll
  void start(Vertx vertx) {
    TestServices.Urls urls = TestServices.get();
    gateway = Genesis.start(TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(), Map.of()), Set.of(Service.GATEWAY), false);
    agent = new EndlessAgent(PIECES, PIECE_CHARS, QUIET_MILLIS);
    Await.result(gateway.vertx().deployVerticle(agent), Duration.ofSeconds(10));
    token = new Tokens(vertx, TestApp.SECRET).issue("bp-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("while the client reads nothing the gateway stops granting credit; resumed, every delta arrives in order")
  void slowReader(Vertx vertx, VertxTestContext test) {
    String message = ChatClient.message("big", UUID.randomUUID().toString(), "Write me an endless training plan").encode();
    NetClientOptions smallWindow = new NetClientOptions().setReceiveBufferSize(16 * 1024);
    Future<Object[]> outcome = RawWebSocket.connect(vertx, smallWindow, gateway.httpPort(), "/api/v1/ws", token)
        .compose(ws -> {
          ws.pause();
          return ws.sendText(message)
              .compose(sent -> agent.stalled())
              .compose(sentWhilePaused -> {
                Future<List<String>> frames = ws.messagesUntil(text -> text.startsWith("{\"type\":\"done\""));
                ws.resume();
                return frames.compose(all -> ws.close().map(new Object[] {sentWhilePaused, all}));
              });
        });
    outcome.onComplete(test.succeeding(result -> test.verify(() -> {
      int sentWhilePaused = (Integer) result[0];
      @SuppressWarnings("unchecked")
      List<JsonObject> frames = ((List<String>) result[1]).stream().map(JsonObject::new).toList();
      assertTrue(sentWhilePaused < PIECES / 2, () -> "the model was held back after " + sentWhilePaused + " of " + PIECES
          + " pieces (" + (long) sentWhilePaused * PIECE_CHARS / 1024 + " KiB)");
      assertEquals("meta", frames.get(0).getString("type"));
      List<String> texts = frames.stream().filter(f -> "delta".equals(f.getString("type"))).map(f -> f.getString("text")).toList();
      assertEquals(PIECES, texts.size());
      for (int i = 0; i < PIECES; i++) {
        assertEquals(EndlessAgent.piece(i, PIECE_CHARS), texts.get(i), "piece " + i);
      }
      JsonObject done = frames.get(frames.size() - 1);
      assertEquals("big", done.getString("requestId"));
      assertEquals(String.join("", texts), done.getString("content"));
      test.completeNow();
    })));
  }
}
