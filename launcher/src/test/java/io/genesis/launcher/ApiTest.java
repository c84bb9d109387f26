package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The public HTTP API, end to end on real PostgreSQL and Redis")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), java.time.Duration.ofSeconds(10));
    genesis.close();
  }

  private static String user() {
    return "u-" + UUID.randomUUID();
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals(status, problem.getInteger("status"));
    assertNotNull(problem.getString("type"));
    assertNotNull(problem.getString("title"));
    assertNotNull(problem.getString("detail"));
  }

  private static void assertFieldError(HttpResponse<Buffer> response, String field) {
    assertProblem(response, 400);
    JsonArray errors = response.bodyAsJsonObject().getJsonArray("errors");
    assertNotNull(errors, "a validation problem lists its fields");
    assertTrue(errors.stream().map(JsonObject.class::cast).anyMatch(e -> field.equals(e.getString("field"))),
        () -> "errors name " + field + ": " + errors);
  }

  private JsonObject createSession(String token, JsonObject body) {
    HttpResponse<Buffer> response = http.post("/api/v1/sessions", token, body);
    assertEquals(201, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject();
  }

  private JsonObject send(String token, String sessionId, String content) {
    HttpResponse<Buffer> response = http.post("/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content));
    assertEquals(201, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonObject();
  }

  @Nested
  @DisplayName("every response")
  class EveryResponse {
    @Test
    @DisplayName("carries X-Request-Id (the caller's when given) and nosniff")
    void requestIdAndNosniff() {
      HttpResponse<Buffer> generated = http.get("/health/live", null);
      assertNotNull(generated.getHeader("X-Request-Id"));
      assertEquals("nosniff", generated.getHeader("X-Content-Type-Options"));
      HttpResponse<Buffer> echoed = http.send(HttpMethod.GET, "/api/v1/agents", null, null, Map.of("X-Request-Id", "trace-42"));
      assertEquals("trace-42", echoed.getHeader("X-Request-Id"));
      assertProblem(echoed, 401);
    }

    @Test
    @DisplayName("an unknown route is a 404 problem")
    void unknownRoute() {
      assertProblem(http.get("/nope", null), 404);
    }
  }

  @Nested
  @DisplayName("authentication")
  class Authentication {
    @Test
    @DisplayName("a missing, garbled or foreign-signed token is 401")
    void rejectsBadTokens() {
      assertProblem(http.get("/api/v1/sessions", null), 401);
      assertProblem(http.get("/api/v1/sessions", "not.a.jwt"), 401);
      String foreign = new io.genesis.gateway.auth.Tokens(clientVertx, "another-secret-another-secret-another-secret")
          .issue("u1", List.of("user"), 600).token();
      assertProblem(http.get("/api/v1/sessions", foreign), 401);
    }

    @Test
    @DisplayName("a dev token works, and a bad dev-token request names the field")
    void devToken() {
      HttpResponse<Buffer> minted = http.post("/api/v1/auth/dev-token", null,
          new JsonObject().put("userId", "dev-1").put("roles", new JsonArray().add("user")));
      assertEquals(200, minted.statusCode(), minted::bodyAsString);
      assertTrue(Instant.parse(minted.bodyAsJsonObject().getString("expiresAt")).isAfter(Instant.now()));
      assertEquals(200, http.get("/api/v1/sessions", minted.bodyAsJsonObject().getString("token")).statusCode());
      assertFieldError(http.post("/api/v1/auth/dev-token", null, new JsonObject()), "userId");
      assertFieldError(http.post("/api/v1/auth/dev-token", null, new JsonObject().put("userId", 7)), "userId");
    }
  }

  @Nested
  @DisplayName("agents")
  class Agents {
    @Test
    @DisplayName("lists the seven specialists with an ETag, and 304 on If-None-Match")
    void list() {
      String token = http.token(user());
      HttpResponse<Buffer> response = http.get("/api/v1/agents", token);
      assertEquals(200, response.statusCode());
      JsonArray agents = response.bodyAsJsonArray();
      Set<String> ids = new HashSet<>();
      agents.forEach(a -> ids.add(((JsonObject) a).getString("id")));
      assertEquals(Set.of("blaze", "sage", "stella", "nova", "aura", "wave", "volt"), ids);
      JsonObject first = agents.getJsonObject(0);
      assertNotNull(first.getString("name"));
      assertNotNull(first.getString("specialty"));
      assertNotNull(first.getString("description"));
      String etag = response.getHeader("ETag");
      assertNotNull(etag);
      HttpResponse<Buffer> again = http.send(HttpMethod.GET, "/api/v1/agents", token, null, Map.of("If-None-Match", etag));
      assertEquals(304, again.statusCode());
    }

    @Test
    @DisplayName("gets one by id without regard to case; an unknown one is 404")
    void getOne() {
      String token = http.token(user());
      HttpResponse<Buffer> blaze = http.get("/api/v1/agents/BLAZE", token);
      assertEquals(200, blaze.statusCode(), blaze::bodyAsString);
      assertEquals("blaze", blaze.bodyAsJsonObject().getString("id"));
      assertEquals("BLAZE", blaze.bodyAsJsonObject().getString("name"));
      assertProblem(http.get("/api/v1/agents/nobody", token), 404);
    }
  }

  @Nested
  @DisplayName("sessions")
  class Sessions {
    @Test
    @DisplayName("create answers 201 with the session; get reads it back")
    void createAndGet() {
      String userId = user();
      String token = http.token(userId);
      JsonObject session = createSession(token, new JsonObject().put("agentId", "Sage").put("title", "Meal plan"));
      assertEquals(userId, session.getString("userId"));
      assertEquals("sage", session.getString("agentId"));
      assertEquals("Meal plan", session.getString("title"));
      assertTrue(session.getBoolean("active"));
      assertNotNull(session.getString("createdAt"));
      assertNotNull(session.getString("updatedAt"));
      HttpResponse<Buffer> read = http.get("/api/v1/sessions/" + session.getString("id"), token);
      assertEquals(200, read.statusCode());
      assertEquals(session, read.bodyAsJsonObject());
      assertEquals(201, http.post("/api/v1/sessions", token, null).statusCode(), "an empty body is allowed");
    }

    @Test
    @DisplayName("bad bodies: 400 naming the field, 415 for another content type, 413 when too large")
    void badBodies() {
      String token = http.token(user());
      assertFieldError(http.post("/api/v1/sessions", token, new JsonObject().put("agentId", "zeus")), "agentId");
      assertFieldError(http.post("/api/v1/sessions", token, new JsonObject().put("title", 42)), "title");
      assertFieldError(http.send(HttpMethod.POST, "/api/v1/sessions", token, Buffer.buffer("{nope"),
          Map.of("Content-Type", "application/json")), "body");
      assertProblem(http.send(HttpMethod.POST, "/api/v1/sessions", token, Buffer.buffer("title=x"),
          Map.of("Content-Type", "application/x-www-form-urlencoded")), 415);
      String huge = "x".repeat(70_000);
      assertProblem(http.post("/api/v1/sessions", token, new JsonObject().put("title", huge)), 413);
      assertFieldError(http.get("/api/v1/sessions/not-a-uuid", token), "sessionId");
      assertFieldError(http.get("/api/v1/sessions?limit=0", token), "limit");
    }

    @Test
    @DisplayName("another user's session is 404 on every route that takes its id")
    void isolation() {
      String owner = http.token(user());
      String intruder = http.token(user());
      String id = createSession(owner, new JsonObject()).getString("id");
      assertProblem(http.get("/api/v1/sessions/" + id, intruder), 404);
      assertProblem(http.delete("/api/v1/sessions/" + id, intruder), 404);
      assertProblem(http.get("/api/v1/sessions/" + id + "/messages", intruder), 404);
      assertProblem(http.post("/api/v1/sessions/" + id + "/messages", intruder, new JsonObject().put("content", "hi")), 404);
      assertEquals(0, http.get("/api/v1/sessions", intruder).bodyAsJsonObject().getJsonArray("items").size());
      assertTrue(http.get("/api/v1/sessions/" + id, owner).bodyAsJsonObject().getBoolean("active"), "untouched");
      assertEquals(0, http.get("/api/v1/sessions/" + id + "/messages", owner).bodyAsJsonObject().getJsonArray("items").size());
      assertProblem(http.get("/api/v1/sessions/" + UUID.randomUUID(), owner), 404);
    }

    @Test
    @DisplayName("delete closes the session (204), keeps its messages, and refuses new ones")
    void close() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject()).getString("id");
      send(token, id, "How should I warm up before squats?");
      assertEquals(204, http.delete("/api/v1/sessions/" + id, token).statusCode());
      assertFalse(http.get("/api/v1/sessions/" + id, token).bodyAsJsonObject().getBoolean("active"));
      assertEquals(2, http.get("/api/v1/sessions/" + id + "/messages", token).bodyAsJsonObject().getJsonArray("items").size());
      assertProblem(http.post("/api/v1/sessions/" + id + "/messages", token, new JsonObject().put("content", "hi")), 409);
      assertEquals(204, http.delete("/api/v1/sessions/" + id, token).statusCode(), "closing twice is fine");
    }

    @Test
    @DisplayName("list: newest first, the active filter, and cursor pages without gaps")
    void list() {
      String token = http.token(user());
      List<String> created = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        created.add(0, createSession(token, new JsonObject().put("title", "s" + i)).getString("id"));
      }
      assertEquals(204, http.delete("/api/v1/sessions/" + created.get(0), token).statusCode());
      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        JsonObject page = http.get("/api/v1/sessions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token).bodyAsJsonObject();
        page.getJsonArray("items").forEach(s -> seen.add(((JsonObject) s).getString("id")));
        cursor = page.getString("nextCursor");
      } while (cursor != null);
      assertEquals(Set.copyOf(created), Set.copyOf(seen));
      assertEquals(5, seen.size());
      JsonArray active = http.get("/api/v1/sessions?active=true", token).bodyAsJsonObject().getJsonArray("items");
      assertEquals(4, active.size());
      JsonArray closed = http.get("/api/v1/sessions?active=false", token).bodyAsJsonObject().getJsonArray("items");
      assertEquals(List.of(created.get(0)), closed.stream().map(s -> ((JsonObject) s).getString("id")).toList());
    }
  }

  @Nested
  @DisplayName("messages")
  class MessagesRoutes {
    @Test
    @DisplayName("send answers 201 {message, reply, handoffs}; the coach does the arithmetic")
    void sendsAndStores() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject().put("agentId", "sage")).getString("id");
      JsonObject exchange = send(token, id,
          "I'm a 30 year old male, 80 kg, 180 cm, moderately active. How many calories to lose fat?");
      JsonObject message = exchange.getJsonObject("message");
      JsonObject reply = exchange.getJsonObject("reply");
      assertEquals("user", message.getString("role"));
      assertEquals(id, message.getString("sessionId"));
      assertEquals("agent", reply.getString("role"));
      assertEquals("sage", reply.getString("agentId"));
      assertTrue(reply.getString("content").contains("1,780") || reply.getString("content").contains("1780"),
          () -> "BMR by Mifflin-St Jeor is 1780 kcal: " + reply.getString("content"));
      assertNotNull(exchange.getJsonArray("handoffs"));
      JsonArray history = http.get("/api/v1/sessions/" + id + "/messages", token).bodyAsJsonObject().getJsonArray("items");
      assertEquals(List.of(reply.getString("id"), message.getString("id")),
          history.stream().map(m -> ((JsonObject) m).getString("id")).toList(), "newest first");
    }

    @Test
    @DisplayName("with no agent named, the best match answers and the session remembers it")
    void routesByText() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject()).getString("id");
      JsonObject reply = send(token, id, "I can't sleep well and my recovery between workouts is poor").getJsonObject("reply");
      assertEquals("wave", reply.getString("agentId"));
      assertEquals("wave", http.get("/api/v1/sessions/" + id, token).bodyAsJsonObject().getString("agentId"));
    }

    @Test
    @DisplayName("a bad message body names the field")
    void badMessage() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject()).getString("id");
      assertFieldError(http.post("/api/v1/sessions/" + id + "/messages", token, new JsonObject()), "content");
      assertFieldError(http.post("/api/v1/sessions/" + id + "/messages", token, new JsonObject().put("content", "  ")), "content");
      assertFieldError(http.post("/api/v1/sessions/" + id + "/messages", token,
          new JsonObject().put("content", "hi").put("agentId", "zeus")), "agentId");
      assertFieldError(http.get("/api/v1/sessions/" + id + "/messages?before=xyz", token), "before");
      assertEquals(0, http.get("/api/v1/sessions/" + id + "/messages", token).bodyAsJsonObject().getJsonArray("items").size(),
          "rejected requests store nothing");
    }

    @Test
    @DisplayName("120 messages page newest first with no duplicates or gaps")
    void pagination() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject().put("agentId", "blaze")).getString("id");
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        JsonObject exchange = send(token, id, "set " + i + ": 100kg x 5 squats");
        sent.add(exchange.getJsonObject("message").getString("id"));
        sent.add(exchange.getJsonObject("reply").getString("id"));
      }
      List<String> paged = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String before = null;
      do {
        JsonObject page = http.get("/api/v1/sessions/" + id + "/messages?limit=50" + (before == null ? "" : "&before=" + before), token)
            .bodyAsJsonObject();
        JsonArray items = page.getJsonArray("items");
        sizes.add(items.size());
        items.forEach(m -> paged.add(((JsonObject) m).getString("id")));
        before = page.getString("nextCursor");
      } while (before != null);
      assertEquals(List.of(50, 50, 20), sizes);
      List<String> newestFirst = new ArrayList<>(sent);
      java.util.Collections.reverse(newestFirst);
      assertEquals(newestFirst, paged);
    }

    @Test
    @DisplayName("Accept: text/event-stream answers meta, delta and done events")
    void eventStream() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject().put("agentId", "aura")).getString("id");
      HttpResponse<Buffer> response = http.send(HttpMethod.POST, "/api/v1/sessions/" + id + "/messages", token,
          new JsonObject().put("content", "I feel stressed before meetings").toBuffer(),
          Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
      assertEquals(200, response.statusCode());
      assertTrue(response.getHeader("Content-Type").startsWith("text/event-stream"));
      String body = response.bodyAsString();
      int meta = body.indexOf("event: meta");
      int delta = body.indexOf("event: delta");
      int done = body.indexOf("event: done");
      assertTrue(meta >= 0 && delta > meta && done > delta, body);
      assertTrue(body.startsWith(": keep-alive"), "a comment goes out at once");
      assertTrue(body.contains("\"agentId\":\"aura\""), "meta names the answering agent: " + body);
      assertEquals(2, http.get("/api/v1/sessions/" + id + "/messages", token).bodyAsJsonObject().getJsonArray("items").size());
    }

    @Test
    @DisplayName("text the model writes at once streams in batches: the first token alone, then the rest as one delta, adding up to the stored reply")
    void eventStreamBatches() {
      String token = http.token(user());
      String id = createSession(token, new JsonObject().put("agentId", "volt")).getString("id");
      HttpResponse<Buffer> response = http.send(HttpMethod.POST, "/api/v1/sessions/" + id + "/messages", token,
          new JsonObject().put("content", "I ran 10k in 50:00, what pace is that?").toBuffer(),
          Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
      SseEvents events = SseEvents.parse(response.bodyAsString());
      String reply = events.first("done").getString("content");
      assertEquals(2, events.named("delta").size(), response.bodyAsString());
      assertEquals(reply.substring(0, reply.indexOf(' ') + 1), events.named("delta").get(0).data().getString("text"));
      assertEquals(reply, events.deltaText());
    }
  }

  @Nested
  @DisplayName("health")
  class Health {
    @Test
    @DisplayName("live and ready answer 200 with every check UP")
    void ready() {
      assertEquals(200, http.get("/health/live", null).statusCode());
      HttpResponse<Buffer> ready = http.get("/health/ready", null);
      assertEquals(200, ready.statusCode(), ready::bodyAsString);
      JsonObject checks = ready.bodyAsJsonObject().getJsonObject("checks");
      for (String check : List.of("session-service", "agent-service", "postgres", "redis")) {
        assertEquals("UP", checks.getString(check), check);
      }
    }
  }

  @Test
  @DisplayName("message ids are time-ordered UUIDv7")
  void uuidV7() {
    String token = http.token(user());
    String id = createSession(token, new JsonObject()).getString("id");
    assertEquals(7, UUID.fromString(id).version());
    assertNull(http.get("/api/v1/sessions/" + id, token).getHeader("Set-Cookie"));
    assertNotEquals(id, createSession(token, new JsonObject()).getString("id"));
  }
}
