package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The OpenAPI document: served, true to the API, and enforced on every request")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private OpenApiDocument document;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    document = new OpenApiDocument(http.get("/openapi.json", null).bodyAsJsonObject());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private static String user() {
    return "oa-" + UUID.randomUUID();
  }

  // ---- the document as a JSON Schema source ----

  /** Asserts that an answer is one the document describes: status, media type, body schema, headers. */
  private void assertDescribed(String path, String method, HttpResponse<Buffer> response) {
    JsonObject responses = document.operation(path, method).getJsonObject("responses");
    String status = String.valueOf(response.statusCode());
    assertTrue(responses.containsKey(status), () -> method + " " + path + " does not describe " + status);
    JsonObject described = (JsonObject) document.inline(responses.getValue(status));
    assertNotNull(response.getHeader("X-Request-Id"));
    assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
    JsonObject headers = described.getJsonObject("headers", new JsonObject());
    headers.forEach(h -> {
      if (((JsonObject) h.getValue()).getBoolean("required", false)) {
        assertNotNull(response.getHeader(h.getKey()), () -> status + " of " + method + " " + path + " lacks " + h.getKey());
      }
    });
    JsonObject content = described.getJsonObject("content");
    if (content == null) {
      assertTrue(response.body() == null || response.body().length() == 0, "no body described");
      return;
    }
    String type = response.getHeader("Content-Type").split(";")[0].trim();
    assertTrue(content.containsKey(type), () -> method + " " + path + " " + status + " does not describe " + type);
    if (type.endsWith("json")) {
      JsonObject schema = content.getJsonObject(type).getJsonObject("schema");
      Validator validator = Validator.create(JsonSchema.of(schema),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app://genesis/").setOutputFormat(OutputFormat.Basic));
      OutputUnit result = validator.validate(io.vertx.core.json.Json.decodeValue(response.body()));
      assertTrue(result.getValid(), () -> method + " " + path + " " + status + " body " + response.bodyAsString()
          + " does not match: " + result.getErrors());
    }
  }

  private List<String[]> operations(boolean planned) {
    List<String[]> found = new ArrayList<>();
    document.paths().forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
      if (m.getValue() instanceof JsonObject op && op.containsKey("operationId")
          && planned == "planned".equals(op.getString("x-genesis-status"))) {
        found.add(new String[] {p.getKey(), m.getKey(), op.getString("operationId")});
      }
    }));
    return found;
  }

  @Nested
  @DisplayName("GET /openapi.json")
  class Document {
    @Test
    @DisplayName("is public JSON: OpenAPI 3.1 with bearerAuth, the Problem schema and X-Request-Id")
    void served() {
      HttpResponse<Buffer> response = http.get("/openapi.json", null);
      assertEquals(200, response.statusCode());
      assertEquals("application/json", response.getHeader("Content-Type"));
      assertNotNull(response.getHeader("X-Request-Id"));
      JsonObject doc = response.bodyAsJsonObject();
      assertEquals("3.1.0", doc.getString("openapi"));
      assertEquals("bearer", doc.getJsonObject("components").getJsonObject("securitySchemes")
          .getJsonObject("bearerAuth").getString("scheme"));
      assertTrue(doc.getJsonObject("components").getJsonObject("schemas").containsKey("Problem"));
      assertTrue(doc.getJsonObject("components").getJsonObject("headers").containsKey("X-Request-Id"));
      assertEquals(304, http.send(HttpMethod.GET, "/openapi.json", null, null,
          Map.of("If-None-Match", response.getHeader("ETag"))).statusCode());
    }

    @Test
    @DisplayName("covers every route of the public API; none is left planned")
    void coversDesign() {
      Set<String> paths = document.paths().fieldNames();
      for (String path : List.of("/api/v1/agents", "/api/v1/agents/{agentId}", "/api/v1/sessions", "/api/v1/sessions/{sessionId}",
          "/api/v1/sessions/{sessionId}/messages", "/api/v1/auth/dev-token", "/api/v1/ws", "/v1/chat/completions", "/v1/models",
          "/api/v1/me/export", "/api/v1/me", "/api/v1/admin/stats", "/openapi.json", "/", "/health/live", "/health/ready",
          "/metrics", "/performance/metrics", "/performance/slow-requests", "/performance/cache-analysis", "/console/{asset}")) {
        assertTrue(paths.contains(path), path);
      }
      Set<String> planned = operations(true).stream().map(o -> o[2]).collect(Collectors.toSet());
      assertEquals(Set.of(), planned);
    }

    @Test
    @DisplayName("every built operation is routed; every planned one is not yet")
    void routedAsDocumented() {
      String token = http.token(user());
      for (String[] op : operations(false)) {
        String path = op[0].replace("{sessionId}", UUID.randomUUID().toString()).replace("{agentId}", "sage")
            .replace("{model}", "sage").replace("{asset}", "app.js");
        HttpResponse<Buffer> response = http.send(HttpMethod.valueOf(op[1].toUpperCase()), path, token,
            op[1].equals("post") ? Buffer.buffer("{}") : null, Map.of("Content-Type", "application/json"));
        assertNotEquals(405, response.statusCode(), op[2]);
        assertTrue(response.statusCode() != 404 || !"no such resource".equals(response.bodyAsJsonObject().getString("detail")),
            () -> op[2] + " is not routed");
      }
      for (String[] op : operations(true)) {
        HttpResponse<Buffer> response = http.send(HttpMethod.valueOf(op[1].toUpperCase()), op[0], token, null, Map.of());
        assertTrue(response.statusCode() == 404 || response.statusCode() == 405, () -> op[2] + " answers " + response.statusCode());
      }
    }
  }

  @Nested
  @DisplayName("the answers match the document")
  class Answers {
    @Test
    @DisplayName("a whole journey: token, agents, sessions, messages, errors")
    void journey() {
      HttpResponse<Buffer> minted = http.post("/api/v1/auth/dev-token", null, new JsonObject().put("userId", user()));
      assertDescribed("/api/v1/auth/dev-token", "post", minted);
      String token = minted.bodyAsJsonObject().getString("token");
      assertDescribed("/api/v1/agents", "get", http.get("/api/v1/agents", token));
      assertDescribed("/api/v1/agents/{agentId}", "get", http.get("/api/v1/agents/wave", token));
      assertDescribed("/api/v1/agents/{agentId}", "get", http.get("/api/v1/agents/nobody", token));
      HttpResponse<Buffer> created = http.post("/api/v1/sessions", token, new JsonObject().put("agentId", "sage"));
      assertDescribed("/api/v1/sessions", "post", created);
      String id = created.bodyAsJsonObject().getString("id");
      assertDescribed("/api/v1/sessions", "post", http.post("/api/v1/sessions", token, new JsonObject().put("title", 1)));
      assertDescribed("/api/v1/sessions", "get", http.get("/api/v1/sessions?limit=1", token));
      assertDescribed("/api/v1/sessions", "get", http.get("/api/v1/sessions?limit=101", token));
      assertDescribed("/api/v1/sessions/{sessionId}", "get", http.get("/api/v1/sessions/" + id, token));
      assertDescribed("/api/v1/sessions/{sessionId}", "get", http.get("/api/v1/sessions/" + UUID.randomUUID(), token));
      HttpResponse<Buffer> sent = http.post("/api/v1/sessions/" + id + "/messages", token, new JsonObject().put("content", "protein per day?"));
      assertDescribed("/api/v1/sessions/{sessionId}/messages", "post", sent);
      HttpResponse<Buffer> streamed = http.send(HttpMethod.POST, "/api/v1/sessions/" + id + "/messages", token,
          new JsonObject().put("content", "and carbs?").toBuffer(),
          Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
      assertDescribed("/api/v1/sessions/{sessionId}/messages", "post", streamed);
      assertDescribed("/api/v1/sessions/{sessionId}/messages", "get", http.get("/api/v1/sessions/" + id + "/messages?limit=2", token));
      assertDescribed("/api/v1/sessions/{sessionId}/messages", "post", http.send(HttpMethod.POST,
          "/api/v1/sessions/" + id + "/messages", token, Buffer.buffer("x"), Map.of("Content-Type", "text/plain")));
      assertDescribed("/api/v1/sessions/{sessionId}", "delete", http.delete("/api/v1/sessions/" + id, token));
      assertDescribed("/api/v1/sessions/{sessionId}/messages", "post",
          http.post("/api/v1/sessions/" + id + "/messages", token, new JsonObject().put("content", "closed?")));
      assertDescribed("/api/v1/sessions", "get", http.get("/api/v1/sessions", null));
      assertDescribed("/api/v1/admin/stats", "get", http.get("/api/v1/admin/stats", token));
      assertDescribed("/api/v1/ws", "get", http.get("/api/v1/ws", token));
      assertDescribed("/api/v1/ws", "get", http.get("/api/v1/ws", null));
      String admin = http.post("/api/v1/auth/dev-token", null, new JsonObject().put("userId", user())
          .put("roles", new JsonArray().add("admin"))).bodyAsJsonObject().getString("token");
      assertDescribed("/api/v1/admin/stats", "get", http.get("/api/v1/admin/stats", admin));
      for (String path : List.of("/performance/metrics", "/performance/slow-requests", "/performance/cache-analysis")) {
        assertDescribed(path, "get", http.get(path, admin));
        assertDescribed(path, "get", http.get(path, token));
      }
      assertDescribed("/performance/slow-requests", "get", http.get("/performance/slow-requests?limit=51", admin));
      assertDescribed("/metrics", "get", http.get("/metrics", null));
      assertDescribed("/health/live", "get", http.get("/health/live", null));
      assertDescribed("/health/ready", "get", http.get("/health/ready", null));
      assertDescribed("/openapi.json", "get", http.get("/openapi.json", null));
      HttpResponse<Buffer> page = http.get("/", null);
      assertDescribed("/", "get", page);
      assertDescribed("/", "get", http.send(HttpMethod.GET, "/", null, null, Map.of("If-None-Match", page.getHeader("ETag"))));
      assertDescribed("/", "get", http.send(HttpMethod.POST, "/", null, null, Map.of()));
      assertDescribed("/console/{asset}", "get", http.get("/console/app.js", null));
      assertDescribed("/console/{asset}", "get", http.get("/console/style.css", null));
      assertDescribed("/console/{asset}", "get", http.get("/console/nothing.js", null));
      assertDescribed("/api/v1/sessions/{sessionId}", "get", http.send(HttpMethod.PUT, "/api/v1/sessions/" + id, token, null, Map.of()));
      assertDescribed("/api/v1/me/export", "get", http.get("/api/v1/me/export", token));
      assertDescribed("/api/v1/me/export", "get", http.get("/api/v1/me/export", null));
      assertDescribed("/api/v1/me", "delete", http.delete("/api/v1/me", token));
      assertDescribed("/api/v1/me", "delete", http.delete("/api/v1/me", null));
    }

    @Test
    @DisplayName("the OpenAI-compatible routes: models, completions whole and streamed, errors in OpenAI's shape")
    void openAi() {
      String token = http.token(user());
      assertDescribed("/v1/models", "get", http.get("/v1/models", token));
      assertDescribed("/v1/models", "get", http.get("/v1/models", null));
      assertDescribed("/v1/models/{model}", "get", http.get("/v1/models/Nova", token));
      assertDescribed("/v1/models/{model}", "get", http.get("/v1/models/gpt-4o", token));
      JsonObject chat = new JsonObject().put("model", "nova")
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Is creatine worth it?")));
      assertDescribed("/v1/chat/completions", "post", http.post("/v1/chat/completions", token, chat));
      assertDescribed("/v1/chat/completions", "post", http.post("/v1/chat/completions", token, chat.copy().put("stream", true)));
      assertDescribed("/v1/chat/completions", "post", http.post("/v1/chat/completions", token, chat.copy().put("model", "gpt-4o")));
      assertDescribed("/v1/chat/completions", "post", http.post("/v1/chat/completions", token, chat.copy().put("n", 3)));
      assertDescribed("/v1/chat/completions", "post", http.send(HttpMethod.POST, "/v1/chat/completions", token,
          Buffer.buffer("x"), Map.of("Content-Type", "text/plain")));
      assertDescribed("/v1/chat/completions", "post", http.send(HttpMethod.GET, "/v1/chat/completions", token, null, Map.of()));
    }

    @Test
    @DisplayName("every chunk of a streamed completion matches ChatCompletionChunk")
    void openAiChunks() {
      JsonObject schema = (JsonObject) document.inline(document.json().getJsonObject("components").getJsonObject("schemas")
          .getJsonObject("ChatCompletionChunk"));
      Validator validator = Validator.create(JsonSchema.of(schema),
          new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app://genesis/").setOutputFormat(OutputFormat.Basic));
      JsonObject chat = new JsonObject().put("model", "volt").put("stream", true)
          .put("stream_options", new JsonObject().put("include_usage", true))
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "How do I pace a 10k?")));
      String body = http.post("/v1/chat/completions", http.token(user()), chat).bodyAsString();
      List<String> data = body.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
      assertEquals("[DONE]", data.get(data.size() - 1));
      for (String chunk : data.subList(0, data.size() - 1)) {
        OutputUnit result = validator.validate(new JsonObject(chunk));
        assertTrue(result.getValid(), () -> chunk + " does not match: " + result.getErrors());
      }
    }
  }

  @Nested
  @DisplayName("validation before the routes")
  class Validation {
    private JsonArray errors(HttpResponse<Buffer> response) {
      assertEquals(400, response.statusCode(), response::bodyAsString);
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      return response.bodyAsJsonObject().getJsonArray("errors");
    }

    private Set<String> fields(HttpResponse<Buffer> response) {
      return new java.util.TreeSet<>(errors(response).stream().map(e -> ((JsonObject) e).getString("field") + "").toList()) {
        @Override
        public String toString() {
          return response.bodyAsString();
        }
      };
    }

    @Test
    @DisplayName("names every bad body field at once, unknown ones included")
    void everyBodyField() {
      String token = http.token(user());
      HttpResponse<Buffer> response = http.post("/api/v1/sessions", token,
          new JsonObject().put("agentId", 5).put("title", "t".repeat(201)).put("colour", "red"));
      assertEquals(Set.of("agentId", "title", "colour"), fields(response));
      assertTrue(errors(response).stream().map(JsonObject.class::cast)
          .anyMatch(e -> e.getString("field").equals("title") && e.getString("message").equals("must be at most 200 characters")));
      assertEquals(Set.of("userId", "roles[0]", "ttlSeconds"), fields(http.post("/api/v1/auth/dev-token", null,
          new JsonObject().put("userId", "a b").put("roles", new JsonArray().add("Admin")).put("ttlSeconds", 5))));
      assertEquals(Set.of("body"), fields(http.send(HttpMethod.POST, "/api/v1/sessions", token, Buffer.buffer("[1,2]"),
          Map.of("Content-Type", "application/json"))));
    }

    @Test
    @DisplayName("names every bad parameter at once; a repeated one is refused")
    void everyParameter() {
      String token = http.token(user());
      assertEquals(Set.of("limit", "active", "cursor"), fields(http.get("/api/v1/sessions?limit=abc&active=maybe&cursor=%21%21", token)));
      assertEquals(Set.of("limit"), fields(http.get("/api/v1/sessions?limit=1&limit=2", token)));
      assertEquals(Set.of("sessionId"), fields(http.get("/api/v1/sessions/urn:uuid:0190b1d8-3c3a-7000-8000-000000000000", token)));
      assertEquals(Set.of("agentId"), fields(http.get("/api/v1/agents/" + "a".repeat(65), token)));
    }

    @Test
    @DisplayName("refuses NUL and lone surrogates in body strings, counts characters as code points")
    void unicode() {
      String token = http.token(user());
      assertEquals(Set.of("title"), fields(http.send(HttpMethod.POST, "/api/v1/sessions", token,
          Buffer.buffer("{\"title\":\"a\\u0000b\"}"), Map.of("Content-Type", "application/json"))));
      assertEquals(Set.of("title"), fields(http.send(HttpMethod.POST, "/api/v1/sessions", token,
          Buffer.buffer("{\"title\":\"a\\ud800b\"}"), Map.of("Content-Type", "application/json"))));
      HttpResponse<Buffer> emoji = http.post("/api/v1/sessions", token, new JsonObject().put("title", "\uD83D\uDE00".repeat(200)));
      assertEquals(201, emoji.statusCode(), emoji::bodyAsString);
    }

    @Test
    @DisplayName("a wrong method is a 405 problem with Allow")
    void methodNotAllowed() {
      String token = http.token(user());
      HttpResponse<Buffer> put = http.send(HttpMethod.PUT, "/api/v1/sessions/" + UUID.randomUUID(), token, null, Map.of());
      assertEquals(405, put.statusCode());
      assertEquals("application/problem+json", put.getHeader("Content-Type"));
      assertEquals("GET, DELETE", put.getHeader("Allow"));
      assertEquals("GET, POST", http.send(HttpMethod.PATCH, "/api/v1/sessions", token, null, Map.of()).getHeader("Allow"));
      HttpResponse<Buffer> live = http.send(HttpMethod.POST, "/health/live", null, null, Map.of());
      assertEquals(405, live.statusCode());
      assertEquals("GET", live.getHeader("Allow"));
    }

    @Test
    @DisplayName("requests the HTTP decoder refuses are problems too (414, 431)")
    void decoderFailures() {
      HttpResponse<Buffer> longLine = http.get("/api/v1/sessions?cursor=" + "a".repeat(5000), null);
      assertEquals(414, longLine.statusCode());
      assertEquals("application/problem+json", longLine.getHeader("Content-Type"));
      HttpResponse<Buffer> bigHeaders = http.send(HttpMethod.GET, "/health/live", null, null, Map.of("X-Big", "b".repeat(9000)));
      assertEquals(431, bigHeaders.statusCode());
      assertEquals("application/problem+json", bigHeaders.getHeader("Content-Type"));
      assertEquals(431, bigHeaders.bodyAsJsonObject().getInteger("status"));
    }
  }
}
