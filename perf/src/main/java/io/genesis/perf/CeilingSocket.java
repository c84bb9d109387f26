package io.genesis.perf;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/**
 * The ceiling's {@code GET /ws}: GENESIS's chat socket with nothing behind it. Each
 * {@code {"type":"message","requestId":..}} text frame is answered with a {@code meta} frame,
 * {@value CeilingServer#SSE_TOKENS} {@code delta} frames and a {@code done} frame carrying its
 * {@code requestId}; an idle socket costs only what Vert.x holds for it. The floor for streaming over
 * WebSocket and for idle connections held.
 */
final class CeilingSocket {
  private CeilingSocket() {}

  static void accept(HttpServerRequest request) {
    request.toWebSocket().onSuccess(CeilingSocket::serve)
        .onFailure(e -> request.response().setStatusCode(400).end());
  }

  private static void serve(ServerWebSocket socket) {
    socket.textMessageHandler(text -> {
      String requestId;
      try {
        JsonObject frame = new JsonObject(text);
        if (!"message".equals(frame.getString("type"))) {
          return;
        }
        requestId = frame.getString("requestId");
      } catch (RuntimeException e) {
        return;
      }
      // The rest of each frame after its type: {"requestId":".."} without its opening brace.
      String tail = JsonObject.of("requestId", requestId).encode().substring(1);
      socket.writeTextMessage("{\"type\":\"meta\",\"agentId\":\"volt\"," + tail);
      String delta = "{\"type\":\"delta\",\"text\":\"word \"," + tail;
      for (int i = 0; i < CeilingServer.SSE_TOKENS; i++) {
        socket.writeTextMessage(delta);
      }
      socket.writeTextMessage("{\"type\":\"done\"," + tail);
    });
  }
}
