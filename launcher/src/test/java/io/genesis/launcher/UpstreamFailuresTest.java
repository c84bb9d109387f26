package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients and logs see when the model server fails: its URL, credentials and own words reach
 * neither; a hung model costs one first-token budget, then the breaker refuses fast; every 502, 503
 * and 504 says when to retry; a model may not write without bound.
 */
@DisplayName("A failing, hung or long-winded model server, through the gateway")
class UpstreamFailuresTest {
  private static final String USER = "probeuser";
  private static final String PASSWORD = "S3cretPW";
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
  private static final Map<String, String> SSE = Map.of("Content-Type", "application/json", "Accept", "text/event-stream");

  @TempDir
  Path dataDir;

  private final LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Capture capture = new Capture();
  private Vertx clientVertx;
  private FakeUpstream fake;
  private Genesis genesis;
  private Http http;

  @BeforeEach
  void start() {
    capture.setContext(logs);
    capture.start();
    logs.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (genesis != null) {
      genesis.close();
    }
    logs.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
    capture.stop();
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
  }

  private void startGenesis(String baseUrl, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("GENESIS_MODEL_BASE_URL", baseUrl);
    env.put("GENESIS_MODEL_NAME", "coach-7b");
    genesis = TestApp.start(dataDir, env);
    http = new Http(clientVertx, genesis.httpPort());
  }

  private void startFake(FakeUpstreamOptions options) {
    fake = Await.result(FakeUpstream.start(clientVertx, options), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("an unreachable model server with credentials in its URL: REST, SSE, WebSocket and /v1 answers name none of them, and no log line holds the password")
  void unreachableWithCredentials() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    startGenesis("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + closedPort + "/v1",
        Map.of("GENESIS_MODEL_BREAKER_FAILURES", "100"));
    List<String> answers = allKindsOfAnswer(503);
    answers.forEach(answer -> assertNoUpstreamDetail(answer, closedPort));
    assertTrue(answers.get(0).contains("the model service is unavailable"), answers.get(0));
    assertNoPasswordLogged();
    assertTrue(capture.messages().stream().anyMatch(line -> line.contains("http://***@127.0.0.1:" + closedPort + "/v1")),
        "the logs name the model server, credentials masked");
  }

  @Test
  @DisplayName("a model server answering 500 with its own text: every answer is a 502 with Retry-After in product terms, the upstream's text and address only in the log, masked")
  void failingUpstream() {
    startFake(FakeUpstreamOptions.defaults().withFailRate(1));
    startGenesis("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + fake.port() + "/v1",
        Map.of("GENESIS_MODEL_BREAKER_FAILURES", "100"));
    List<String> answers = allKindsOfAnswer(502);
    answers.forEach(answer -> {
      assertNoUpstreamDetail(answer, fake.port());
      assertFalse(answer.contains("fake upstream failure"), () -> "the upstream's own words reached a client: " + answer);
    });
    assertTrue(answers.get(0).contains("the model service failed"), answers.get(0));
    assertNoPasswordLogged();
    assertTrue(capture.messages().stream().anyMatch(line -> line.contains("answered HTTP 500: fake upstream failure")),
        "the log keeps the upstream's status and words");
  }

  @Test
  @DisplayName("a hung model: each chat gets 504 with Retry-After within the first-token budget (no retry of a hang); once the breaker opens, the next get a fast 503 with Retry-After")
  void hungModel() {
    startFake(FakeUpstreamOptions.defaults().withHangRate(1));
    startGenesis(fake.baseUrl(), Map.of("GENESIS_MODEL_FIRST_TOKEN_TIMEOUT_MS", "2000", "GENESIS_MODEL_BREAKER_FAILURES", "2",
        "GENESIS_MODEL_BREAKER_RESET_MS", "60000"));
    String token = http.token("u-" + UUID.randomUUID());
    String session = http.newSession(token, "blaze");
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<Buffer>>> hung = List.of(
        CompletableFuture.supplyAsync(() -> chat(token, session, JSON)),
        CompletableFuture.supplyAsync(() -> chat(token, session, JSON)));
    for (CompletableFuture<HttpResponse<Buffer>> chat : hung) {
      HttpResponse<Buffer> timedOut = chat.join();
      assertEquals(504, timedOut.statusCode(), timedOut::bodyAsString);
      assertRetryAfter(timedOut);
      assertTrue(timedOut.bodyAsJsonObject().getString("detail").contains("the model service did not answer in time"));
    }
    long hungMillis = (System.nanoTime() - started) / 1_000_000;
    // Three attempts of the 2 s would take over 6 s: one budget for the whole call is about 2 s.
    assertTrue(hungMillis < 5_000, "504 after " + hungMillis + " ms");
    assertEquals(2, fake.requests().get(), "a silent model is not asked again");

    long refusedAt = System.nanoTime();
    HttpResponse<Buffer> refused = chat(token, session, JSON);
    HttpResponse<Buffer> refusedV1 = http.send(HttpMethod.POST, "/v1/chat/completions", token, completion(false).toBuffer(), JSON);
    long refusedMillis = (System.nanoTime() - refusedAt) / 1_000_000;
    assertEquals(503, refused.statusCode(), refused::bodyAsString);
    assertEquals(503, refusedV1.statusCode(), refusedV1::bodyAsString);
    assertTrue(Integer.parseInt(refused.getHeader("Retry-After")) > 1, "until the breaker's trial call");
    assertRetryAfter(refusedV1);
    assertTrue(refusedMillis < 2_000, "refused after " + refusedMillis + " ms");
    assertEquals(2, fake.requests().get(), "an open breaker calls no model");
  }

  @Test
  @DisplayName("every upstream request carries max_tokens; a reply over GENESIS_MODEL_MAX_REPLY_CHARS ends as length, and what came is stored (partial)")
  void boundedReplies() {
    startFake(FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(300));
    startGenesis(fake.baseUrl(), Map.of("GENESIS_MODEL_MAX_TOKENS", "64", "GENESIS_MODEL_MAX_REPLY_CHARS", "50"));
    String token = http.token("u-" + UUID.randomUUID());
    String session = http.newSession(token, "blaze");
    String cut = FakeUpstream.text(300).substring(0, 50);

    SseEvents streamed = SseEvents.parse(chat(token, session, SSE).bodyAsString());
    assertEquals(64, fake.lastRequest().getInteger("max_tokens"));
    assertEquals(cut, streamed.deltaText());
    JsonObject done = streamed.first("done");
    assertEquals(cut, done.getString("content"));
    assertEquals(true, done.getBoolean("partial"));
    JsonObject stored = http.messages(token, session).getJsonObject(0);
    assertEquals(cut, stored.getString("content"));
    assertEquals(true, stored.getBoolean("partial"));

    HttpResponse<Buffer> whole = http.send(HttpMethod.POST, "/v1/chat/completions", token, completion(false).toBuffer(), JSON);
    JsonObject choice = whole.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
    assertEquals("length", choice.getString("finish_reason"), whole::bodyAsString);
    assertEquals(cut, choice.getJsonObject("message").getString("content"));
    String chunks = http.send(HttpMethod.POST, "/v1/chat/completions", token, completion(true).toBuffer(), JSON).bodyAsString();
    assertTrue(chunks.contains("\"finish_reason\":\"length\""), chunks);
    assertEquals(64, fake.lastRequest().getInteger("max_tokens"));
  }

  /**
   * One failed chat of each kind: REST JSON (then {@code status} with Retry-After), SSE (an error event
   * with retryAfterSeconds), WebSocket (an error frame), /v1 JSON ({@code status}, Retry-After) and
   * streamed. Answers their bodies, REST's first.
   */
  private List<String> allKindsOfAnswer(int status) {
    String token = http.token("u-" + UUID.randomUUID());
    String session = http.newSession(token, "blaze");
    List<String> answers = new ArrayList<>();

    HttpResponse<Buffer> rest = chat(token, session, JSON);
    assertEquals(status, rest.statusCode(), rest::bodyAsString);
    assertRetryAfter(rest);
    assertTrue(rest.bodyAsJsonObject().getString("detail").contains(rest.getHeader("X-Request-Id")), "the detail names the request id");
    answers.add(rest.bodyAsString());

    HttpResponse<Buffer> sse = chat(token, session, SSE);
    JsonObject error = SseEvents.parse(sse.bodyAsString()).first("error");
    assertEquals(status, error.getInteger("status"), sse::bodyAsString);
    assertTrue(error.getInteger("retryAfterSeconds", 0) >= 1, sse::bodyAsString);
    answers.add(sse.bodyAsString());

    WebSocketClient sockets = clientVertx.createWebSocketClient();
    ChatClient chat = Await.result(ChatClient.connect(sockets, genesis.httpPort(), "/api/v1/ws", token), Duration.ofSeconds(10));
    List<JsonObject> frames = Await.result(chat.send(ChatClient.message("r-1", session, "How do I squat deeper?"))
        .compose(sent -> chat.reply("r-1")), Duration.ofSeconds(30));
    JsonObject frame = frames.get(frames.size() - 1);
    assertEquals("error", frame.getString("type"), frames::toString);
    assertEquals(status, frame.getInteger("status"));
    assertTrue(frame.getInteger("retryAfterSeconds", 0) >= 1, frame::encode);
    answers.add(new JsonArray(frames).encode());
    Await.result(sockets.close(), Duration.ofSeconds(10));

    HttpResponse<Buffer> v1 = http.send(HttpMethod.POST, "/v1/chat/completions", token, completion(false).toBuffer(), JSON);
    assertEquals(status, v1.statusCode(), v1::bodyAsString);
    assertRetryAfter(v1);
    assertNotNull(v1.bodyAsJsonObject().getJsonObject("error").getString("message"));
    answers.add(v1.bodyAsString());

    HttpResponse<Buffer> v1Stream = http.send(HttpMethod.POST, "/v1/chat/completions", token, completion(true).toBuffer(), JSON);
    assertTrue(v1Stream.bodyAsString().contains("\"error\""), v1Stream::bodyAsString);
    answers.add(v1Stream.bodyAsString());
    return answers;
  }

  private HttpResponse<Buffer> chat(String token, String session, Map<String, String> headers) {
    return http.send(HttpMethod.POST, "/api/v1/sessions/" + session + "/messages", token,
        new JsonObject().put("content", "How do I squat deeper?").toBuffer(), headers);
  }

  private static JsonObject completion(boolean stream) {
    return new JsonObject().put("model", "blaze").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "How do I squat deeper?")));
  }

  private static void assertRetryAfter(HttpResponse<Buffer> response) {
    String retryAfter = response.getHeader("Retry-After");
    assertNotNull(retryAfter, () -> response.statusCode() + " without Retry-After: " + response.bodyAsString());
    assertTrue(Integer.parseInt(retryAfter) >= 1, retryAfter);
  }

  private static void assertNoUpstreamDetail(String answer, int port) {
    for (String leak : List.of(PASSWORD, USER, "127.0.0.1", ":" + port)) {
      assertFalse(answer.contains(leak), () -> "'" + leak + "' reached a client: " + answer);
    }
  }

  private void assertNoPasswordLogged() {
    List<String> lines = capture.messages();
    assertFalse(lines.isEmpty());
    lines.forEach(line -> assertFalse(line.contains(PASSWORD), () -> "password logged: " + line));
  }

  /** Every event logged while a test runs: its message and stack trace. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    private final List<String> messages = new ArrayList<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      String trace = event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
      messages.add(event.getLoggerName() + " " + event.getFormattedMessage() + " " + event.getKeyValuePairs() + trace);
    }

    synchronized List<String> messages() {
      return List.copyOf(messages);
    }
  }
}
