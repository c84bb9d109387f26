package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a WebSocket client that breaks the frame contract sees: the same refusals as REST, and a
 * Close with a status rather than a dropped connection.
 */
@DisplayName("WebSocket frames: unknown fields refused like REST, a frame over the limit closed with 1009")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebSocketFramesTest {
  private static final String WS = "/api/v1/ws";

  @TempDir
  static Path dataDir;

  private Genesis app;
  private Http http;
  private Tokens tokens;
  /** Sends a message of up to 1 MB as one frame: the server, not the client, must split or refuse it. */
  private WebSocketClient sockets;
  private WebClient web;

  @BeforeAll
  void start(Vertx vertx) {
    app = TestApp.start(dataDir);
    http = new Http(vertx, app.httpPort());
    tokens = new Tokens(vertx, TestApp.SECRET);
    web = WebClient.create(vertx);
    sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private String token() {
    return tokens.issue("wsf-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private String session(String token) {
    HttpResponse<Buffer> created = http.post("/api/v1/sessions", token, new JsonObject());
    assertEquals(201, created.statusCode(), created::bodyAsString);
    return created.bodyAsJsonObject().getString("id");
  }

  private static Set<String> fields(JsonObject error) {
    JsonArray errors = error.getJsonArray("errors", new JsonArray());
    return errors.stream().map(e -> ((JsonObject) e).getString("field")).collect(Collectors.toSet());
  }

  private static <T> void check(VertxTestContext test, Future<T> outcome, java.util.function.Consumer<T> assertions) {
    outcome.onComplete(test.succeeding(value -> test.verify(() -> {
      assertions.accept(value);
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("an unknown field in a message or ping frame gets an error frame 400 naming it, as REST's 400 does; the socket stays usable")
  void unknownFields(VertxTestContext test) {
    String token = token();
    String sessionId = session(token);
    HttpResponse<Buffer> rest = http.post("/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", "hi").put("userId", "someone-else"));
    assertEquals(400, rest.statusCode(), rest::bodyAsString);
    List<JsonObject> frames = new java.util.ArrayList<>();
    Future<List<JsonObject>> outcome = ChatClient.connect(sockets, app.httpPort(), WS, token).compose(chat ->
        chat.send(ChatClient.message("u-1", sessionId, "hi").put("userId", "someone-else"))
            .compose(sent -> chat.frame("error", "u-1")).map(frames::add)
            .compose(ok -> chat.send(new JsonObject().put("type", "ping").put("requestId", "u-2").put("extra", true)))
            .compose(sent -> chat.frame("error", "u-2")).map(frames::add)
            .compose(ok -> chat.send(ChatClient.message("u-3", sessionId, "How long should I sleep?")))
            .compose(sent -> chat.reply("u-3"))
            .map(reply -> {
              frames.add(reply.get(reply.size() - 1));
              return frames;
            }));
    check(test, outcome, received -> {
      JsonObject unknown = frames.get(0);
      assertEquals(400, unknown.getInteger("status"), unknown::encode);
      assertEquals(Set.of("userId"), fields(unknown), unknown::encode);
      JsonObject restError = rest.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0);
      assertEquals(restError, unknown.getJsonArray("errors").getJsonObject(0), "the same field error as REST");
      assertEquals(Set.of("extra"), fields(frames.get(1)), frames.get(1)::encode);
      assertEquals("done", frames.get(2).getString("type"), frames.get(2)::encode);
    });
  }

  @Test
  @DisplayName("nothing of a refused frame is stored: the session has no message after an unknown field")
  void refusedFrameStoresNothing(VertxTestContext test) {
    String token = token();
    String sessionId = session(token);
    Future<List<Object>> refused = ChatClient.connect(sockets, app.httpPort(), WS, token).compose(chat ->
        chat.send(ChatClient.message("s-1", sessionId, "store me?").put("role", "agent")).compose(sent -> chat.frame("error", "s-1"))
            // a ping answered after the error: the socket is still read, and the refused frame is behind us
            .compose(error -> chat.send(new JsonObject().put("type", "ping")).compose(sent -> chat.frame("pong", null)).map(error))
            .compose(error -> web.get(app.httpPort(), "127.0.0.1", "/api/v1/sessions/" + sessionId + "/messages")
                .bearerTokenAuthentication(token).send().map(stored -> List.of(error, stored.bodyAsJsonObject()))));
    check(test, refused, results -> {
      JsonObject error = (JsonObject) results.get(0);
      assertEquals(Set.of("role"), fields(error), error::encode);
      assertTrue(((JsonObject) results.get(1)).getJsonArray("items").isEmpty(), "nothing stored");
    });
  }

  @Test
  @DisplayName("a single 70 KB frame (over GENESIS_MAX_BODY_BYTES) gets a Close 1009 (message too big), not a dropped connection")
  void oversizedSingleFrame(VertxTestContext test) {
    String token = token();
    String sessionId = session(token);
    String huge = ChatClient.message("big", sessionId, "x".repeat(70_000)).encode();
    Future<Short> status = ChatClient.connect(sockets, app.httpPort(), WS, token).compose(chat ->
        chat.socket().writeFrame(WebSocketFrame.textFrame(huge, true)).compose(sent -> chat.closed()));
    check(test, status, code -> assertEquals((short) 1009, code, "the close status the server sent"));
  }

  @Test
  @DisplayName("a 70 KB message in 1 KB fragments gets a Close 1009 too")
  void oversizedFragmentedMessage(VertxTestContext test) {
    String token = token();
    String sessionId = session(token);
    String huge = ChatClient.message("big", sessionId, "x".repeat(70_000)).encode();
    Future<Short> status = ChatClient.connect(sockets, app.httpPort(), WS, token).compose(chat -> {
      Future<Void> sent = chat.socket().writeFrame(WebSocketFrame.textFrame(huge.substring(0, 1024), false));
      for (int from = 1024; from < huge.length(); from += 1024) {
        String part = huge.substring(from, Math.min(huge.length(), from + 1024));
        boolean last = from + 1024 >= huge.length();
        sent = sent.compose(ok -> chat.socket().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(part), last)));
      }
      // the server may close before the last fragment is written
      return sent.transform(ignored -> chat.closed());
    });
    check(test, status, code -> assertEquals((short) 1009, code));
  }
}
