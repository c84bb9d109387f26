package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that hold a place without asking for anything are closed (GENESIS_HTTP_HEADER_TIMEOUT_MS,
 * GENESIS_HTTP_IDLE_TIMEOUT_MS, small here); a connection with a request in flight is not, however
 * long it stays silent. Raw TCP sockets, so that what is timed is the connection itself.
 */
@DisplayName("Connection timeouts: no request head, half a head or an idle keep-alive is closed; a live stream is not")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionTimeoutsTest {
  private static final long HEADER_MILLIS = 1_000;
  private static final long IDLE_MILLIS = 400;
  /** Longer than the idle timeout: the reply stays silent between two tokens for longer than that. */
  private static final long TOKEN_DELAY_MILLIS = 600;
  /** "Closed by the timeout, not hanging": far above the timeouts, far below the old 120 s. */
  private static final Duration HANG = Duration.ofSeconds(10);

  @TempDir
  static Path dataDir;

  private Genesis app;
  private Vertx vertx;
  private NetClient net;
  private String token;

  @BeforeAll
  void start() {
    app = TestApp.start(dataDir, Map.of("GENESIS_HTTP_HEADER_TIMEOUT_MS", String.valueOf(HEADER_MILLIS),
        "GENESIS_HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_MILLIS),
        "GENESIS_OFFLINE_TOKEN_DELAY_MS", String.valueOf(TOKEN_DELAY_MILLIS)));
    vertx = Vertx.vertx();
    net = vertx.createNetClient();
    token = new Tokens(vertx, TestApp.SECRET).issue("ct-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  @AfterAll
  void stop() {
    if (vertx != null) {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
    if (app != null) {
      app.close();
    }
  }

  /** A raw connection and what it received; {@link #closed} completes with the milliseconds it stayed open. */
  private final class Raw {
    final NetSocket socket;
    final long opened = System.nanoTime();
    final Buffer received = Buffer.buffer();
    final List<Long> arrivals = new ArrayList<>();
    final Promise<Long> closed = Promise.promise();

    Raw() {
      socket = Await.result(net.connect(app.httpPort(), "127.0.0.1"), Duration.ofSeconds(10));
      socket.handler(data -> {
        received.appendBuffer(data);
        arrivals.add(System.nanoTime());
      });
      socket.closeHandler(gone -> closed.tryComplete((System.nanoTime() - opened) / 1_000_000));
    }

    Raw write(String text) {
      Await.result(socket.write(Buffer.buffer(text, StandardCharsets.ISO_8859_1.name())), Duration.ofSeconds(10));
      return this;
    }

    long awaitClosed() {
      return Await.result(closed.future(), HANG);
    }

    /** What arrived; read once {@link #closed} has completed (nothing arrives after). */
    String text() {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }

  @Test
  @DisplayName("a connection that sends nothing is closed after the header timeout, unanswered")
  void sendsNothing() {
    Raw raw = new Raw();
    long openMillis = raw.awaitClosed();
    assertTrue(openMillis >= HEADER_MILLIS - 50, () -> "closed after " + openMillis + " ms");
    assertEquals("", raw.text());
  }

  @Test
  @DisplayName("half a request head is closed after the header timeout, even while it trickles in")
  void halfAHead() {
    Raw half = new Raw().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    Raw trickle = new Raw().write("GET /health/live HTTP/1.1\r\n");
    long[] timer = {vertx.setPeriodic(200, t -> trickle.socket.write("X-Slow: " + t + "\r\n"))};
    try {
      long halfMillis = half.awaitClosed();
      long trickleMillis = trickle.awaitClosed();
      assertTrue(halfMillis >= HEADER_MILLIS - 50, () -> "closed after " + halfMillis + " ms");
      assertTrue(trickleMillis >= HEADER_MILLIS - 50 && trickleMillis < HANG.toMillis(), () -> "closed after " + trickleMillis + " ms");
      assertEquals("", half.text());
      assertEquals("", trickle.text());
    } finally {
      vertx.cancelTimer(timer[0]);
    }
  }

  @Test
  @DisplayName("a kept-alive connection gets its answer, then is closed when no next request comes within the idle timeout")
  void idleKeepAlive() {
    Raw raw = new Raw().write(get("/health/live"));
    long openMillis = raw.awaitClosed();
    String answer = raw.text();
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    long answeredMillis = (raw.arrivals.get(0) - raw.opened) / 1_000_000;
    assertTrue(openMillis - answeredMillis >= IDLE_MILLIS - 50, () -> "closed " + (openMillis - answeredMillis) + " ms after the answer");
  }

  @Test
  @DisplayName("a second request within the idle timeout is answered on the same connection")
  void keepAliveWithinTimeout() {
    Raw raw = new Raw().write(get("/health/live"));
    Await.result(vertx.timer(IDLE_MILLIS / 4), Duration.ofSeconds(5));
    raw.write(get("/health/live"));
    raw.awaitClosed();
    String answers = raw.text();
    assertEquals(2, answers.split("HTTP/1.1 200", -1).length - 1, answers);
  }

  @Test
  @DisplayName("an SSE reply silent between tokens for longer than the idle timeout runs to its done event")
  void liveStreamSurvives() {
    Http http = new Http(vertx, app.httpPort());
    String sessionId = http.newSession(token, null);
    String body = new JsonObject().put("content", "hi").encode();
    Raw raw = new Raw().write("POST /api/v1/sessions/" + sessionId + "/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    long openMillis = Await.result(raw.closed.future(), Duration.ofSeconds(60));
    String stream = raw.text();
    assertTrue(stream.startsWith("HTTP/1.1 200"), stream);
    assertTrue(stream.contains("event: done"), () -> "the stream was cut after " + openMillis + " ms: " + stream);
    long longestGap = 0;
    for (int i = 1; i < raw.arrivals.size(); i++) {
      longestGap = Math.max(longestGap, (raw.arrivals.get(i) - raw.arrivals.get(i - 1)) / 1_000_000);
    }
    long gap = longestGap;
    assertTrue(gap > IDLE_MILLIS, () -> "the stream was never silent for longer than the idle timeout: " + gap + " ms");
    assertTrue(openMillis > 3 * IDLE_MILLIS, () -> "the stream lasted " + openMillis + " ms");
  }
}
