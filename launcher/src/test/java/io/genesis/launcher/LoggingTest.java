package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.ObservabilitySettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The log lines of a real GENESIS: every event logged while the suite runs is captured from the
 * root logger and encoded with the encoders logback.xml configures (JSON and text), whatever
 * {@code GENESIS_LOG_FORMAT} the build sets.
 */
@DisplayName("Logs: JSON lines with the access fields, never a token or message content; levels from GENESIS_LOG_LEVELS")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoggingTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path dataDir;

  private final LoggerContext live = (LoggerContext) LoggerFactory.getILoggerFactory();
  private Capture capture;
  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;

  @BeforeAll
  void start() {
    capture = new Capture();
    capture.setContext(live);
    capture.start();
    live.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
  }

  @AfterAll
  void stop() {
    live.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
    capture.stop();
    if (clientVertx != null) {
      Await.result(clientVertx.close(), Duration.ofSeconds(10));
    }
    if (genesis != null) {
      genesis.close();
    }
  }

  @Test
  @DisplayName("a chat message gets one JSON access line (timestamp, level, logger, message, requestId, route template, status, durationMs, userId); no line holds its content, the token or the JWT secret")
  void accessLineAndNoSecrets() throws Exception {
    String user = "log-user-" + UUID.randomUUID();
    String token = http.token(user);
    String sessionId = http.newSession(token, null);
    String content = "zanzibar-quokka-" + UUID.randomUUID() + " please help me sleep better";
    HttpResponse<Buffer> sent = http.post("/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content));
    assertEquals(201, sent.statusCode(), sent::bodyAsString);
    String requestId = sent.getHeader("X-Request-Id");
    assertNotNull(requestId);

    ILoggingEvent access = capture.await(accessLine(requestId));
    JsonObject line = new JsonObject(encode("json", access));
    assertNotNull(line.getString("timestamp"), line::encode);
    assertEquals("INFO", line.getString("level"));
    assertEquals("genesis.access", line.getString("logger"));
    assertFalse(line.getString("message", "").isBlank(), line::encode);
    assertEquals(requestId, line.getString("requestId"));
    assertEquals("/api/v1/sessions/:sessionId/messages", line.getString("route"));
    assertEquals(201, line.getInteger("status"));
    assertInstanceOf(Number.class, line.getValue("durationMs"), line::encode);
    assertTrue(line.getDouble("durationMs") >= 0, line::encode);
    assertEquals(user, line.getString("userId"));
    assertFalse(line.containsKey("@timestamp") || line.containsKey("logger_name") || line.containsKey("level_value"), line::encode);

    String text = encode("text", access);
    assertTrue(text.contains("INFO") && text.contains("genesis.access") && text.contains(requestId)
        && text.contains("/api/v1/sessions/:sessionId/messages") && text.contains(user), text);

    String signature = token.substring(token.lastIndexOf('.') + 1);
    List<ILoggingEvent> events = capture.events();
    assertTrue(events.size() > 1, "the start and the requests logged something");
    for (ILoggingEvent event : events) {
      String json = encode("json", event);
      JsonObject parsed = new JsonObject(json);
      for (String field : List.of("timestamp", "level", "logger", "message")) {
        assertTrue(parsed.containsKey(field), () -> "every line has " + field + ": " + json);
      }
      assertFalse(json.contains("zanzibar-quokka"), () -> "message content logged: " + json);
      assertFalse(json.contains(signature), () -> "token logged: " + json);
      assertFalse(json.contains(TestApp.SECRET), () -> "JWT secret logged: " + json);
    }
  }

  @Test
  @DisplayName("GENESIS_LOG_LEVELS applied at start changes the effective levels: genesis.access=warn silences access lines; closing puts them back")
  void levelsFromSettings() throws Exception {
    Level rootBefore = live.getLogger(Logger.ROOT_LOGGER_NAME).getLevel();
    WebClient oneConnection = WebClient.create(clientVertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(genesis.httpPort()).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1));
    try {
      String quiet = "quiet-" + UUID.randomUUID();
      ObservabilitySettings settings = ConfigLoader.load(Map.of("GENESIS_LOG_LEVELS", "genesis.access=WARN, io.genesis.session=debug"))
          .observability();
      try (LogLevels ignored = LogLevels.apply(settings)) {
        assertEquals(Level.WARN, live.getLogger("genesis.access").getEffectiveLevel());
        assertEquals(Level.DEBUG, live.getLogger("io.genesis.session.SessionVerticle").getEffectiveLevel());
        assertEquals(Level.INFO, live.getLogger("io.genesis.gateway").getEffectiveLevel());
        ILoggingEvent applied = capture.await(event -> event.getLoggerName().equals(LogLevels.class.getName())
            && event.getFormattedMessage().contains("genesis.access=warn"));
        assertEquals("log levels: root=info, genesis.access=warn, io.genesis.session=debug", applied.getFormattedMessage());

        assertEquals(200, get(oneConnection, quiet).statusCode());
        // The same connection runs on one event loop, request after request: once this second
        // answer is back, whatever the first one logs has been logged.
        assertEquals(200, get(oneConnection, "quiet-too-" + UUID.randomUUID()).statusCode());
      }
      assertNull(live.getLogger("genesis.access").getLevel(), "back to inheriting");
      assertNull(live.getLogger("io.genesis.session").getLevel());
      assertEquals(rootBefore, live.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
      assertEquals(Level.INFO, live.getLogger("genesis.access").getEffectiveLevel());

      String loud = "loud-" + UUID.randomUUID();
      assertEquals(200, get(oneConnection, loud).statusCode());
      assertNotNull(capture.await(accessLine(loud)));
      assertTrue(capture.events().stream().noneMatch(accessLine(quiet)), "no access line while genesis.access=warn");
    } finally {
      oneConnection.close();
    }
  }

  @Test
  @DisplayName("a path that is not validly percent-encoded (GET /x%ZZ) is a 400 with one access line each, and no stack trace")
  void malformedPathLogsOneLine() throws Exception {
    int before = capture.events().size();
    String prefix = "bad-escape-" + UUID.randomUUID() + "-";
    int requests = 20;
    for (int i = 0; i < requests; i++) {
      HttpResponse<Buffer> answer = http.send(HttpMethod.GET, "/x%ZZ", null, null, Map.of("X-Request-Id", prefix + i));
      assertEquals(400, answer.statusCode(), answer::bodyAsString);
    }
    for (int i = 0; i < requests; i++) {
      ILoggingEvent access = capture.await(accessLine(prefix + i));
      assertEquals(400, keyValue(access, "status"));
      assertEquals("unmatched", keyValue(access, "route"), "the raw path is not a route");
    }
    List<ILoggingEvent> logged = capture.events().subList(before, capture.events().size());
    for (ILoggingEvent event : logged) {
      String json = encode("json", event);
      assertNull(event.getThrowableProxy(), () -> "a stack trace was logged: " + json);
      assertFalse(event.getLevel().isGreaterOrEqual(Level.WARN), () -> "logged at " + event.getLevel() + ": " + json);
    }
    long bytes = logged.stream().filter(event -> String.valueOf(keyValue(event, "requestId")).startsWith(prefix))
        .mapToLong(event -> encode("json", event).length()).sum();
    assertTrue(bytes < requests * 400L, () -> requests + " refused requests logged " + bytes + " bytes");
  }

  private static HttpResponse<Buffer> get(WebClient client, String requestId) {
    return Await.result(client.request(HttpMethod.GET, "/health/live").putHeader("X-Request-Id", requestId).send(), WAIT);
  }

  private static Predicate<ILoggingEvent> accessLine(String requestId) {
    return event -> "genesis.access".equals(event.getLoggerName()) && requestId.equals(keyValue(event, "requestId"));
  }

  private static Object keyValue(ILoggingEvent event, String key) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    return pairs == null ? null : pairs.stream().filter(p -> key.equals(p.key)).map(p -> p.value).findFirst().orElse(null);
  }

  /** The event as logback.xml writes it with {@code GENESIS_LOG_FORMAT} = {@code format}. */
  private static String encode(String format, ILoggingEvent event) {
    return new String(Encoders.of(format).encode(event), StandardCharsets.UTF_8).strip();
  }

  /**
   * The encoders of logback.xml, from a private logger context configured with the same file and
   * the format chosen, so the build's {@code GENESIS_LOG_FORMAT=text} does not decide for the test.
   */
  private static final class Encoders {
    private static final Map<String, Encoder<ILoggingEvent>> BY_FORMAT = new ConcurrentHashMap<>();

    static Encoder<ILoggingEvent> of(String format) {
      return BY_FORMAT.computeIfAbsent(format, Encoders::configure);
    }

    @SuppressWarnings("unchecked")
    private static Encoder<ILoggingEvent> configure(String format) {
      URL config = Objects.requireNonNull(LoggingTest.class.getClassLoader().getResource("logback.xml"));
      assertTrue(config.toString().contains("launcher"), () -> "the launcher's logback.xml comes first: " + config);
      LoggerContext context = new LoggerContext();
      context.setName("logging-test-" + format);
      String before = System.getProperty("GENESIS_LOG_FORMAT");
      System.setProperty("GENESIS_LOG_FORMAT", format);
      try {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
      } catch (JoranException e) {
        throw new AssertionError("logback.xml does not load", e);
      } finally {
        if (before == null) {
          System.clearProperty("GENESIS_LOG_FORMAT");
        } else {
          System.setProperty("GENESIS_LOG_FORMAT", before);
        }
      }
      AsyncAppender async = (AsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("async");
      OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) async.getAppender(format);
      assertNotNull(appender, "logback.xml's async appender writes to '" + format + "'");
      return appender.getEncoder();
    }
  }

  /** Keeps every event; {@link #await} answers the first that matches, waiting a bounded time. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Predicate<ILoggingEvent> condition, CompletableFuture<ILoggingEvent> found) {}

    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      synchronized (this) {
        events.add(event);
        waiters.removeIf(waiter -> waiter.condition().test(event) && waiter.found().complete(event));
      }
    }

    synchronized List<ILoggingEvent> events() {
      return List.copyOf(events);
    }

    ILoggingEvent await(Predicate<ILoggingEvent> condition) throws Exception {
      CompletableFuture<ILoggingEvent> found = new CompletableFuture<>();
      synchronized (this) {
        events.stream().filter(condition).findFirst().ifPresentOrElse(found::complete,
            () -> waiters.add(new Waiter(condition, found)));
      }
      return found.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
