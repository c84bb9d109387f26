package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors the router and the HTTP server raise themselves, before any route of GENESIS runs: under
 * {@code /v1} in OpenAI's shape, elsewhere problem+json, like every other error.
 */
@DisplayName("Errors the router and HTTP server raise: OpenAI's shape under /v1, problem+json elsewhere")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterErrorShapeTest {
  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private String token;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    token = http.token("shape-" + UUID.randomUUID());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private static void assertOpenAi(int status, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"), response::bodyAsString);
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(Set.of("error"), body.fieldNames(), body::encode);
    JsonObject error = body.getJsonObject("error");
    assertEquals(Set.of("message", "type", "param", "code"), error.fieldNames(), body::encode);
    assertFalse(error.getString("message").isBlank(), body::encode);
    assertNotNull(error.getString("type"), body::encode);
    assertNotNull(response.getHeader("X-Request-Id"));
  }

  private static void assertProblem(int status, HttpResponse<Buffer> response) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"), response::bodyAsString);
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(status, body.getInteger("status"), body::encode);
    assertTrue(body.getString("type").startsWith("urn:genesis:problem:"), body::encode);
  }

  @Test
  @DisplayName("under /v1: 404, 405, 413, 414, 431 and 400 for a bad percent-encoding are {error:{message,type,param,code}}")
  void openAiShapeUnderV1() {
    assertOpenAi(404, http.get("/v1/no-such-thing", token));
    assertOpenAi(405, http.send(HttpMethod.DELETE, "/v1/models", token, null, Map.of()));
    String big = new JsonObject().put("model", "blaze").put("messages", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "x".repeat(70_000)))).encode();
    assertOpenAi(413, http.send(HttpMethod.POST, "/v1/chat/completions", token, Buffer.buffer(big),
        Map.of("Content-Type", "application/json")));
    assertOpenAi(414, http.get("/v1/models?x=" + "a".repeat(5_000), token));
    assertOpenAi(431, http.send(HttpMethod.GET, "/v1/models", token, null, Map.of("X-Big", "b".repeat(9_000))));
    assertOpenAi(400, http.get("/v1/models%ZZ", token));
  }

  @Test
  @DisplayName("outside /v1 the same refusals stay problem+json")
  void problemElsewhere() {
    assertProblem(404, http.get("/api/v1/no-such-thing", token));
    assertProblem(414, http.get("/api/v1/sessions?cursor=" + "a".repeat(5_000), token));
    assertProblem(431, http.send(HttpMethod.GET, "/api/v1/agents", token, null, Map.of("X-Big", "b".repeat(9_000))));
    assertProblem(400, http.get("/api/v1/agents%ZZ", token));
  }

  @Test
  @DisplayName("a request line too long for the HTTP decoder to read its path is a problem that carries OpenAI's error member too")
  void lineBeyondTheDecoder() {
    HttpResponse<Buffer> response = http.get("/v1/models?x=" + "a".repeat(70_000), token);
    assertProblem(414, response);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, response::bodyAsString);
    assertEquals("invalid_request_error", error.getString("type"));
  }
}
