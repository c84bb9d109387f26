package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.ConfigLoader;
import io.genesis.gateway.http.Https;
import io.genesis.perf.cli.Args;
import io.genesis.perf.scenario.BaselineScenario;
import io.genesis.perf.scenario.Scenario;
import io.genesis.perf.scenario.StreamingScenario;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@DisplayName("HTTPS: HTTP/1.1 and HTTP/2 by ALPN, HSTS, SSE over HTTP/2, wss, certificates reloaded when their files change")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsTest {
  private static final String HSTS = "Strict-Transport-Security";
  private static final Duration RELOAD_BOUND = Duration.ofSeconds(20);

  @TempDir
  static Path dataDir;
  @TempDir
  static Path certs;

  private TestCerts.Pair first;
  private TestCerts.Pair second;
  private TestCerts.Pair other;
  private Path liveCert;
  private Path liveKey;
  private Genesis https;
  private Genesis plain;
  private Vertx vertx;
  private PemTrustOptions trust;

  @BeforeAll
  void start() throws Exception {
    first = TestCerts.selfSigned(certs, "first", "genesis-first");
    second = TestCerts.selfSigned(certs, "second", "genesis-second");
    other = TestCerts.selfSigned(certs, "other", "genesis-other");
    liveCert = certs.resolve("live.crt.pem");
    liveKey = certs.resolve("live.key.pem");
    Files.copy(first.cert(), liveCert);
    Files.copy(first.key(), liveKey);
    https = TestApp.start(dataDir, Map.of("GENESIS_TLS_CERT_FILE", liveCert.toString(),
        "GENESIS_TLS_KEY_FILE", liveKey.toString(), "GENESIS_OFFLINE_TOKEN_DELAY_MS", "10"));
    plain = TestApp.start(dataDir);
    vertx = Vertx.vertx();
    trust = new PemTrustOptions().addCertPath(first.cert().toString()).addCertPath(second.cert().toString());
  }

  @AfterAll
  void stop() {
    https.close();
    plain.close();
    Await.result(vertx.close(), Duration.ofSeconds(30));
  }

  private Http client(HttpVersion version) {
    return new Http(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(https.httpPort())
        .setSsl(true).setTrustOptions(trust).setVerifyHost(true).setUseAlpn(true).setProtocolVersion(version));
  }

  @Test
  @DisplayName("HTTP/1.1 over TLS answers, with Strict-Transport-Security; plain HTTP never carries it")
  void http11() {
    HttpResponse<Buffer> ready = client(HttpVersion.HTTP_1_1).get("/health/ready", null);
    assertEquals(200, ready.statusCode(), ready::bodyAsString);
    assertEquals(HttpVersion.HTTP_1_1, ready.version());
    assertEquals("max-age=31536000", ready.getHeader(HSTS));
    Http http = client(HttpVersion.HTTP_1_1);
    String token = http.token("tls-" + UUID.randomUUID());
    HttpResponse<Buffer> created = http.post("/api/v1/sessions", token, new JsonObject().put("agentId", "volt"));
    assertEquals(201, created.statusCode(), created::bodyAsString);
    assertEquals("max-age=31536000", created.getHeader(HSTS));

    HttpResponse<Buffer> cleartext = new Http(vertx, plain.httpPort()).get("/health/ready", null);
    assertEquals(200, cleartext.statusCode());
    assertNull(cleartext.getHeader(HSTS), "no HSTS over plain HTTP");
  }

  @Test
  @DisplayName("an HTTP/2 client gets HTTP/2 by ALPN: JSON answers with HSTS, HEAD without a body, and an SSE reply streams delta by delta")
  void http2() {
    Http http = client(HttpVersion.HTTP_2);
    HttpResponse<Buffer> ready = http.get("/health/ready", null);
    assertEquals(200, ready.statusCode(), ready::bodyAsString);
    assertEquals(HttpVersion.HTTP_2, ready.version());
    assertEquals("max-age=31536000", ready.getHeader(HSTS));
    String token = http.token("h2-" + UUID.randomUUID());
    String session = http.newSession(token, "volt");

    HttpClientAgent h2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustOptions(trust)
        .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    // A HEAD gets its status and headers and no DATA (curl resets a HEAD stream that carries a body).
    Buffer headBody = Await.result(h2.request(new RequestOptions().setMethod(HttpMethod.HEAD).setHost("127.0.0.1")
            .setPort(https.httpPort()).setURI("/health/ready"))
        .compose(request -> request.send().compose(response -> {
          assertEquals(405, response.statusCode());
          assertEquals(HttpVersion.HTTP_2, response.version());
          assertEquals("max-age=31536000", response.getHeader(HSTS));
          return response.body();
        })), Duration.ofSeconds(10));
    assertEquals(0, headBody.length(), headBody::toString);
    List<String> chunks = new CopyOnWriteArrayList<>();
    Promise<HttpVersion> ended = Promise.promise();
    h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(https.httpPort())
            .setURI("/api/v1/sessions/" + session + "/messages").putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream"))
        .compose(request -> request.send(new JsonObject().put("content", "I ran 10k in 50:00, what pace is that?").toBuffer()))
        .onFailure(ended::tryFail)
        .onSuccess(response -> {
          response.handler(chunk -> chunks.add(chunk.toString()));
          response.endHandler(end -> ended.tryComplete(response.version()));
          response.exceptionHandler(ended::tryFail);
        });
    assertEquals(HttpVersion.HTTP_2, Await.result(ended.future(), Duration.ofSeconds(30)));
    SseEvents events = SseEvents.parse(String.join("", chunks));
    List<String> names = events.names();
    assertEquals("meta", names.get(0), names::toString);
    assertEquals("done", names.get(names.size() - 1), names::toString);
    assertTrue(events.named("delta").size() > 10, names::toString);
    // Paced 10 ms a token: the deltas came in many DATA frames, not one buffered body.
    assertTrue(chunks.size() > 5, "chunks: " + chunks.size());
    Await.result(h2.close(), Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a WebSocket over TLS (wss) streams a reply")
  void websocketOverTls() {
    Http http = client(HttpVersion.HTTP_1_1);
    String token = http.token("wss-" + UUID.randomUUID());
    String session = http.newSession(token, "volt");
    WebSocketClient sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setTrustOptions(trust)
        .setVerifyHost(true));
    Future<List<JsonObject>> reply = ChatClient.connect(sockets, https.httpPort(), "/api/v1/ws", token)
        .compose(chat -> chat.send(ChatClient.message("r-1", session, "hello")).compose(sent -> chat.reply("r-1"))
            .compose(frames -> chat.close().map(frames)));
    List<JsonObject> frames = Await.result(reply, Duration.ofSeconds(30));
    assertEquals("done", frames.get(frames.size() - 1).getString("type"), frames::toString);
    assertTrue(frames.stream().anyMatch(f -> "delta".equals(f.getString("type"))), frames::toString);
  }

  @Test
  @DisplayName("new certificate files are served to new connections within seconds; a pair that does not match is refused and the old one stays")
  void reload() throws Exception {
    assertEquals(first.serial(), Await.result(servedSerial(), Duration.ofSeconds(10)));
    Logger logger = (Logger) LoggerFactory.getLogger(Https.class);
    List<ILoggingEvent> warnings = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getLevel() == Level.WARN) {
          warnings.add(event);
        }
      }
    };
    appender.start();
    logger.addAppender(appender);
    try {
      // The key of another certificate: logged, and the first certificate is still served.
      Files.copy(second.cert(), liveCert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(other.key(), liveKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + RELOAD_BOUND.toNanos();
      while (warnings.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(warnings.isEmpty(), "a refused pair is logged");
      assertTrue(warnings.get(0).getFormattedMessage().contains("GENESIS_TLS_KEY_FILE"), warnings.get(0)::getFormattedMessage);
      assertEquals(first.serial(), Await.result(servedSerial(), Duration.ofSeconds(10)));

      Files.copy(second.key(), liveKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      BigInteger served = first.serial();
      deadline = System.nanoTime() + RELOAD_BOUND.toNanos();
      while (!served.equals(second.serial()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        served = Await.result(servedSerial(), Duration.ofSeconds(10));
      }
      assertEquals(second.serial(), served, "the new certificate is served within " + RELOAD_BOUND);
      HttpResponse<Buffer> ready = client(HttpVersion.HTTP_2).get("/health/ready", null);
      assertEquals(200, ready.statusCode(), "verified against the new certificate");
    } finally {
      logger.detachAppender(appender);
    }
  }

  /** The serial of the certificate a new connection is handed. */
  private Future<BigInteger> servedSerial() {
    HttpClientAgent fresh = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setKeepAlive(false));
    return fresh.request(new RequestOptions().setHost("127.0.0.1").setPort(https.httpPort()).setURI("/health/live"))
        .compose(request -> request.send().compose(response -> response.body().map(body -> {
          try {
            return ((X509Certificate) response.request().connection().peerCertificates().get(0)).getSerialNumber();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })))
        .eventually(fresh::close);
  }

  /** Runs a perf scenario briefly against the HTTPS gateway (prepared on the test thread, as perf's main does). */
  private JsonObject perf(Scenario scenario, String... options) {
    List<String> all = new ArrayList<>(List.of("--target", "https://127.0.0.1:" + https.httpPort(), "--warmup", "0"));
    all.addAll(List.of(options));
    Args args = Args.parse(all, Set.of("--quiet", "--insecure"));
    Vertx perf = Vertx.vertx();
    try {
      Scenario.Prepared prepared = scenario.prepare(perf, args);
      args.rejectUnused();
      return Await.result(prepared.run(point -> {}), Duration.ofSeconds(60));
    } finally {
      Await.result(perf.close(), Duration.ofSeconds(30));
    }
  }

  private static void noErrors(JsonObject summary, String name, long count) {
    JsonObject latency = summary.getJsonObject("latency");
    assertEquals(0, latency.getJsonObject("all").getLong("errors"), latency::encodePrettily);
    assertEquals(count, latency.getJsonObject(name).getLong("count"), latency::encodePrettily);
  }

  @Test
  @DisplayName("perf drives an https:// target: requests and SSE streams checked against a --ca-file, WebSockets with --insecure")
  void perfOverHttps() throws Exception {
    // Either certificate: the reload test may have swapped them already.
    Path bundle = certs.resolve("bundle.pem");
    Files.writeString(bundle, Files.readString(first.cert()) + Files.readString(second.cert()));
    noErrors(perf(new BaselineScenario(), "--ca-file", bundle.toString(), "--rate", "20", "--duration", "1s", "--users", "2"),
        "all", 20);
    noErrors(perf(new StreamingScenario(), "--ca-file", bundle.toString(), "--vus", "2", "--iterations", "6", "--users", "2"),
        "stream", 6);
    noErrors(perf(new StreamingScenario(), "--insecure", "--transport", "ws", "--rate", "10", "--duration", "1s",
        "--users", "2"), "stream", 10);
  }

  @Test
  @DisplayName("a start with one of the pair, an unreadable file, no PEM, or the key of another certificate fails naming the setting")
  void badSettings() throws Exception {
    Path garbage = certs.resolve("garbage.pem");
    Files.writeString(garbage, "not a certificate: secret-looking-content\n");
    assertFails("GENESIS_TLS_KEY_FILE", Map.of("GENESIS_TLS_CERT_FILE", first.cert().toString()));
    assertFails("GENESIS_TLS_CERT_FILE", Map.of("GENESIS_TLS_KEY_FILE", first.key().toString()));
    assertFails("GENESIS_TLS_CERT_FILE", Map.of("GENESIS_TLS_CERT_FILE", certs.resolve("missing.pem").toString(),
        "GENESIS_TLS_KEY_FILE", first.key().toString()));
    String noPem = assertFails("GENESIS_TLS_CERT_FILE", Map.of("GENESIS_TLS_CERT_FILE", garbage.toString(),
        "GENESIS_TLS_KEY_FILE", first.key().toString()));
    assertFalse(noPem.contains("secret-looking"), noPem);
    assertFails("GENESIS_TLS_KEY_FILE", Map.of("GENESIS_TLS_CERT_FILE", first.cert().toString(),
        "GENESIS_TLS_KEY_FILE", garbage.toString()));
    String mismatch = assertFails("GENESIS_TLS_KEY_FILE", Map.of("GENESIS_TLS_CERT_FILE", first.cert().toString(),
        "GENESIS_TLS_KEY_FILE", other.key().toString()));
    assertTrue(mismatch.contains("not the private key"), mismatch);
    assertFails("GENESIS_CLUSTER_TLS_CA_FILE", Map.of("GENESIS_CLUSTER_TLS_CERT_FILE", first.cert().toString(),
        "GENESIS_CLUSTER_TLS_KEY_FILE", first.key().toString()));
  }

  private static String assertFails(String setting, Map<String, String> env) {
    ConfigException failed = assertThrows(ConfigException.class, () -> ConfigLoader.load(env));
    assertTrue(failed.getMessage().startsWith(setting + ":"), failed.getMessage());
    return failed.getMessage();
  }
}
