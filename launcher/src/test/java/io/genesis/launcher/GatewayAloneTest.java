package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A gateway deployed alone, with no services behind it")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayAloneTest {
  @TempDir
  static Path dataDir;

  private Genesis gateway;
  private Vertx clientVertx;
  private Http http;

  @BeforeAll
  void start() {
    gateway = Genesis.start(TestApp.config(dataDir, "postgresql://nobody@127.0.0.1:1/none", "redis://127.0.0.1:1"),
        Set.of(Service.GATEWAY), false);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, gateway.httpPort());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    gateway.close();
  }

  @Test
  @DisplayName("is live but not ready, and names the missing services")
  void notReady() {
    assertEquals(200, http.get("/health/live", null).statusCode());
    HttpResponse<Buffer> ready = http.get("/health/ready", null);
    assertEquals(503, ready.statusCode());
    assertEquals("application/problem+json", ready.getHeader("Content-Type"));
    String detail = ready.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains("session-service") && detail.contains("agent-service"), detail);
    ready.bodyAsJsonObject().getJsonArray("errors").forEach(error ->
        assertEquals("DOWN", ((JsonObject) error).getString("message"), "no internal detail on a public endpoint"));
  }

  @Test
  @DisplayName("mints no development tokens unless told to (only the embedded default does)")
  void noDevTokensByDefault() {
    java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("GENESIS_HTTP_PORT", "0",
        "GENESIS_DATA_DIR", dataDir.toString(), "GENESIS_JWT_SECRET", TestApp.SECRET));
    try (Genesis standalone = Genesis.start(io.genesis.common.config.ConfigLoader.load(env), Set.of(Service.GATEWAY), false)) {
      Http other = new Http(clientVertx, standalone.httpPort());
      HttpResponse<Buffer> response = other.post("/api/v1/auth/dev-token", null,
          new JsonObject().put("userId", "victim").put("roles", new JsonArray().add("admin")));
      assertTrue(response.statusCode() == 401 || response.statusCode() == 404, () -> "answered " + response.statusCode());
      assertTrue(response.bodyAsJsonObject().getString("token") == null);
    }
  }

  @Test
  @DisplayName("answers API calls with a 503 problem and Retry-After instead of hanging")
  void fastUnavailable() {
    String token = http.token("lonely");
    HttpResponse<Buffer> response = http.post("/api/v1/sessions", token, new JsonObject());
    assertEquals(503, response.statusCode());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("1", response.getHeader("Retry-After"));
  }

  @Test
  @DisplayName("answers the OpenAI-compatible routes with a 503 in OpenAI's shape and Retry-After")
  void fastUnavailableOpenAi() {
    String token = http.token("lonely");
    HttpResponse<Buffer> response = http.post("/v1/chat/completions", token, new JsonObject().put("model", "sage")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))));
    assertEquals(503, response.statusCode());
    assertEquals("application/json", response.getHeader("Content-Type"));
    assertEquals("1", response.getHeader("Retry-After"));
    assertEquals("service_unavailable", response.bodyAsJsonObject().getJsonObject("error").getString("type"));
  }
}
