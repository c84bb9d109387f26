package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.genesis.gateway.console.Console;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.SharedSecret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("What every answer looks like on the wire: compression, security headers, CORS")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeTest {
  private static final String ALLOWED_ORIGIN = "https://app.genesis.test";

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private String token;

  @BeforeAll
  void start() {
    TestServices.Urls urls = TestServices.get();
    Map<String, String> env = new HashMap<>(Map.of(
        "GENESIS_HTTP_PORT", "0", "GENESIS_DATA_DIR", dataDir.toString(), "GENESIS_JWT_SECRET", TestApp.SECRET,
        "GENESIS_DEV_TOKENS", "true", "GENESIS_PG_URL", urls.pgUrl(), "GENESIS_REDIS_URL", urls.redisUrl(),
        "GENESIS_CORS_ORIGINS", ALLOWED_ORIGIN + ", https://other.genesis.test"));
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", "1000000");
    env.put("GENESIS_ENCRYPTION_KEY", TestApp.ENCRYPTION_KEY);
    genesis = Genesis.start(ConfigLoader.withSecrets(ConfigLoader.load(env), EnumSet.allOf(SharedSecret.class), false),
        Set.of(Service.values()), false);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    token = http.token("edge-user");
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private HttpResponse<Buffer> agents(String acceptEncoding) {
    return http.send(HttpMethod.GET, "/api/v1/agents", token, null, Map.of("Accept-Encoding", acceptEncoding));
  }

  @Test
  @DisplayName("JSON is compressed with Brotli or gzip, as the client asks")
  void compression() {
    assertEquals("br", agents("br").getHeader("Content-Encoding"));
    assertEquals("gzip", agents("gzip").getHeader("Content-Encoding"));
    assertEquals("br", agents("gzip, deflate, br").getHeader("Content-Encoding"));
    HttpResponse<Buffer> plain = agents("identity");
    assertNull(plain.getHeader("Content-Encoding"));
    assertTrue(plain.bodyAsJsonArray().size() == 7);
    assertTrue(agents("gzip").body().length() < plain.body().length(), "gzip makes it smaller");
  }

  @Test
  @DisplayName("small answers and event streams are never compressed")
  void noCompression() {
    assertNull(http.send(HttpMethod.GET, "/health/live", null, null, Map.of("Accept-Encoding", "gzip")).getHeader("Content-Encoding"));
    String session = http.post("/api/v1/sessions", token, new JsonObject()).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> stream = http.send(HttpMethod.POST, "/api/v1/sessions/" + session + "/messages", token,
        new JsonObject().put("content", "Give me a long detailed training plan for squats and deadlifts ".repeat(20)).toBuffer(),
        Map.of("Content-Type", "application/json", "Accept", "text/event-stream", "Accept-Encoding", "gzip, br"));
    assertEquals(200, stream.statusCode());
    assertTrue(stream.bodyAsString().contains("event: done"), "readable as plain text");
    String encoding = stream.getHeader("Content-Encoding");
    assertTrue(encoding == null || encoding.equals("identity"), encoding);
  }

  @Test
  @DisplayName("security headers on every answer; user data is not cacheable, the agent list is")
  void securityHeaders() {
    HttpResponse<Buffer> sessions = http.get("/api/v1/sessions", token);
    assertEquals("nosniff", sessions.getHeader("X-Content-Type-Options"));
    assertEquals("no-referrer", sessions.getHeader("Referrer-Policy"));
    assertTrue(sessions.getHeader("Content-Security-Policy").contains("default-src 'none'"));
    assertEquals("no-store", sessions.getHeader("Cache-Control"));
    assertTrue(agents("identity").getHeader("Cache-Control").startsWith("private, max-age="));
    assertEquals("no-referrer", http.get("/nope", null).getHeader("Referrer-Policy"));
  }

  @Test
  @DisplayName("the web console: its own strict CSP (the API keeps its own), revalidated with ETags, compressed like the API")
  void console() {
    HttpResponse<Buffer> page = http.send(HttpMethod.GET, "/", null, null, Map.of("Accept-Encoding", "gzip"));
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.getHeader("Content-Type"));
    assertEquals(Console.CSP, page.getHeader("Content-Security-Policy"));
    assertTrue(page.getHeader("Content-Security-Policy").contains("script-src 'self'"));
    assertFalse(page.getHeader("Content-Security-Policy").contains("unsafe-inline"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertEquals("no-referrer", page.getHeader("Referrer-Policy"));
    assertEquals("no-cache", page.getHeader("Cache-Control"));
    assertEquals("Accept-Encoding", page.getHeader("Vary"));
    assertEquals(304, http.send(HttpMethod.GET, "/", null, null, Map.of("If-None-Match", page.getHeader("ETag"))).statusCode());
    for (String asset : Console.ASSETS) {
      HttpResponse<Buffer> file = http.send(HttpMethod.GET, "/console/" + asset, null, null, Map.of("Accept-Encoding", "gzip, br"));
      assertEquals(200, file.statusCode(), asset);
      assertEquals("br", file.getHeader("Content-Encoding"), asset);
      assertEquals(Console.CSP, file.getHeader("Content-Security-Policy"), asset);
      assertTrue(file.getHeader("ETag").startsWith("W/\""), asset);
      assertEquals(304, http.send(HttpMethod.GET, "/console/" + asset, null, null,
          Map.of("If-None-Match", file.getHeader("ETag").substring(2))).statusCode(), asset);
    }
    assertTrue(http.get("/console/app.js", null).getHeader("Content-Type").startsWith("text/javascript"));
    assertTrue(http.get("/console/style.css", null).getHeader("Content-Type").startsWith("text/css"));
    HttpResponse<Buffer> unknown = http.get("/console/index.html", null);
    assertEquals(404, unknown.statusCode());
    assertEquals("application/problem+json", unknown.getHeader("Content-Type"));
    assertEquals("default-src 'none'; frame-ancestors 'none'", unknown.getHeader("Content-Security-Policy"));
    HttpResponse<Buffer> post = http.send(HttpMethod.POST, "/", null, null, Map.of());
    assertEquals(405, post.statusCode());
    assertEquals("GET", post.getHeader("Allow"));
    assertEquals("default-src 'none'; frame-ancestors 'none'", http.get("/api/v1/sessions", token).getHeader("Content-Security-Policy"));
    assertEquals("default-src 'none'; frame-ancestors 'none'", http.get("/openapi.json", null).getHeader("Content-Security-Policy"));
  }

  @Test
  @DisplayName("CORS answers preflights for configured origins only")
  void cors() {
    HttpResponse<Buffer> allowed = http.send(HttpMethod.OPTIONS, "/api/v1/sessions", null, null,
        Map.of("Origin", ALLOWED_ORIGIN, "Access-Control-Request-Method", "POST",
            "Access-Control-Request-Headers", "authorization,content-type"));
    assertTrue(allowed.statusCode() < 300, () -> "preflight answered " + allowed.statusCode());
    assertEquals(ALLOWED_ORIGIN, allowed.getHeader("Access-Control-Allow-Origin"));
    assertTrue(allowed.getHeader("X-Request-Id") != null, "preflights carry a request id too");
    assertTrue(allowed.getHeader("Access-Control-Allow-Methods").contains("POST"));
    HttpResponse<Buffer> actual = http.send(HttpMethod.GET, "/api/v1/sessions", token, null, Map.of("Origin", ALLOWED_ORIGIN));
    assertEquals(ALLOWED_ORIGIN, actual.getHeader("Access-Control-Allow-Origin"));
    assertTrue(actual.getHeader("Access-Control-Expose-Headers").contains("X-Request-Id"));
    HttpResponse<Buffer> foreign = http.send(HttpMethod.GET, "/api/v1/sessions", token, null, Map.of("Origin", "https://evil.test"));
    assertNull(foreign.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  @DisplayName("a body refused before it is read (413, 415) ends with the connection closed, not drained")
  void refusedBodiesCloseTheConnection() {
    for (String contentType : List.of("application/json", "text/plain")) {
      io.vertx.core.net.NetClient net = clientVertx.createNetClient();
      io.vertx.core.net.NetSocket socket = Await.result(net.connect(genesis.httpPort(), "127.0.0.1"), Duration.ofSeconds(10));
      Buffer received = Buffer.buffer();
      io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete());
      socket.write("POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: " + contentType + "\r\nContent-Length: 100000000\r\n\r\n{\"title\":\"");
      Await.result(closed.future(), Duration.ofSeconds(10));
      String answer = received.toString();
      assertTrue(answer.startsWith(contentType.equals("text/plain") ? "HTTP/1.1 415" : "HTTP/1.1 413"), answer);
      assertTrue(answer.contains("application/problem+json"), answer);
      net.close();
    }
  }
}
