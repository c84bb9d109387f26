package io.genesis.launcher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A chat client over {@code GET /api/v1/ws} for tests: sends frames, keeps every frame it receives,
 * and hands them out as futures. Its state lives on the socket's context.
 */
final class ChatClient {
  private final WebSocket ws;
  private final Context context;
  private final List<JsonObject> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();

  private record Waiter(Predicate<JsonObject> match, Promise<JsonObject> promise) {}

  private ChatClient(WebSocket ws, Context context) {
    this.ws = ws;
    this.context = context;
    ws.textMessageHandler(text -> receive(new JsonObject(text)));
    ws.closeHandler(gone -> {
      waiters.forEach(w -> w.promise().tryFail("the socket closed (" + ws.closeStatusCode() + " " + ws.closeReason() + ")"));
      closed.complete(ws.closeStatusCode());
    });
  }

  static Future<ChatClient> connect(WebSocketClient client, int port, String uri, String bearerToken) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    if (bearerToken != null) {
      options.addHeader("Authorization", "Bearer " + bearerToken);
    }
    return client.connect(options).map(ws -> new ChatClient(ws, Vertx.currentContext()));
  }

  static JsonObject message(String requestId, String sessionId, String content) {
    return new JsonObject().put("type", "message").put("requestId", requestId).put("sessionId", sessionId).put("content", content);
  }

  WebSocket socket() {
    return ws;
  }

  Future<Void> send(JsonObject frame) {
    return ws.writeTextMessage(frame.encode());
  }

  Future<Void> sendText(String raw) {
    return ws.writeTextMessage(raw);
  }

  Future<Void> sendBinary(Buffer data) {
    return ws.writeBinaryMessage(data);
  }

  Future<Void> close() {
    return ws.close();
  }

  /** The close status code the server sent, once the socket has closed. */
  Future<Short> closed() {
    return closed.future();
  }

  /** The first frame received (already or later) that matches. */
  Future<JsonObject> frame(Predicate<JsonObject> match) {
    Promise<JsonObject> found = Promise.promise();
    context.runOnContext(v -> {
      JsonObject seen = received.stream().filter(match).findFirst().orElse(null);
      if (seen != null) {
        found.complete(seen);
      } else if (ws.isClosed()) {
        found.fail("the socket closed");
      } else {
        waiters.add(new Waiter(match, found));
      }
    });
    return found.future();
  }

  /** The first frame of {@code type} answering {@code requestId} (null: a frame without one). */
  Future<JsonObject> frame(String type, String requestId) {
    return frame(f -> type.equals(f.getString("type")) && java.util.Objects.equals(requestId, f.getString("requestId")));
  }

  /** Every frame of a request, in order, once its {@code done} or {@code error} frame arrived. */
  Future<List<JsonObject>> reply(String requestId) {
    return frame(f -> requestId.equals(f.getString("requestId"))
        && ("done".equals(f.getString("type")) || "error".equals(f.getString("type"))))
        .map(last -> of(requestId));
  }

  /** The frames of {@code requestId} received so far. */
  Future<List<JsonObject>> received(String requestId) {
    Promise<List<JsonObject>> frames = Promise.promise();
    context.runOnContext(v -> frames.complete(of(requestId)));
    return frames.future();
  }

  /** Every frame received so far, in order. */
  Future<List<JsonObject>> all() {
    Promise<List<JsonObject>> frames = Promise.promise();
    context.runOnContext(v -> frames.complete(List.copyOf(received)));
    return frames.future();
  }

  private List<JsonObject> of(String requestId) {
    return received.stream().filter(f -> requestId.equals(f.getString("requestId"))).toList();
  }

  private void receive(JsonObject frame) {
    received.add(frame);
    List<Waiter> matched = waiters.stream().filter(w -> w.match().test(frame)).toList();
    waiters.removeAll(matched);
    matched.forEach(w -> w.promise().complete(frame));
  }
}
