package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Gateway security with HS256 tokens: forged tokens, roles and other users' data")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
  private static final byte[] SECRET = TestApp.SECRET.getBytes(StandardCharsets.UTF_8);

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
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private static String user() {
    return "u-" + UUID.randomUUID();
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static String hs256(JsonObject payload) {
    return JwtForge.hs256(JwtForge.header("HS256", null), payload, SECRET);
  }

  private static String token(String sub, String... roles) {
    return hs256(JwtForge.claims(sub, List.of(roles), 600));
  }

  /** A 401 problem whose detail names the reason and never quotes the token or a part of it. */
  private void assertRefused(String token, String reason) {
    HttpResponse<Buffer> response = http.get("/api/v1/sessions", token);
    assertEquals(401, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
    String detail = response.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains(reason), () -> "detail names '" + reason + "': " + detail);
    for (String part : token.split("\\.")) {
      if (part.length() > 3) {
        assertFalse(response.bodyAsString().contains(part), () -> "the problem quotes the token: " + detail);
      }
    }
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals(status, response.bodyAsJsonObject().getInteger("status"));
    assertNotNull(response.bodyAsJsonObject().getString("detail"));
  }

  @Nested
  @DisplayName("a forged or broken token is 401 with the reason")
  class Rejections {
    @Test
    @DisplayName("a well-formed token signed with the secret is accepted (the control case)")
    void control() {
      HttpResponse<Buffer> response = http.get("/api/v1/sessions", token(user(), "user"));
      assertEquals(200, response.statusCode(), response::bodyAsString);
    }

    @Test
    @DisplayName("alg none, signed or not")
    void algNone() {
      JsonObject claims = JwtForge.claims(user(), List.of("user"), 600);
      String unsigned = JwtForge.signingInput(JwtForge.header("none", null), claims);
      assertRefused(unsigned + ".", "empty signature");
      assertRefused(unsigned, "not a signed JWT");
      assertRefused(unsigned + "." + JwtForge.b64("sig"), "alg 'none' is not accepted");
      assertRefused(JwtForge.hs256(JwtForge.header("None", null), claims, SECRET), "is not accepted");
      assertRefused(JwtForge.hs256(new JsonObject().put("typ", "JWT"), claims, SECRET), "no alg");
    }

    @Test
    @DisplayName("a bad signature: another secret, a changed payload, a truncated signature")
    void badSignature() {
      JsonObject claims = JwtForge.claims(user(), List.of("user"), 600);
      assertRefused(JwtForge.hs256(JwtForge.header("HS256", null), claims,
          "another-secret-another-secret-another-secret".getBytes(StandardCharsets.UTF_8)), "bad signature");
      String good = hs256(claims);
      String[] parts = good.split("\\.");
      String admin = JwtForge.b64(claims.copy().put("roles", new JsonArray().add("admin")).encode());
      assertRefused(parts[0] + "." + admin + "." + parts[2], "bad signature");
      assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 20), "bad signature");
    }

    @Test
    @DisplayName("a token the cache has seen, with one signature character changed, is still refused")
    void cacheIsKeyedByTheWholeToken() {
      String good = token(user(), "user");
      assertEquals(200, http.get("/api/v1/sessions", good).statusCode());
      char last = good.charAt(good.length() - 2);
      String tampered = good.substring(0, good.length() - 2) + (last == 'A' ? 'B' : 'A') + good.charAt(good.length() - 1);
      assertRefused(tampered, "bad signature");
      assertEquals(200, http.get("/api/v1/sessions", good).statusCode(), "the good one still works");
    }

    @Test
    @DisplayName("expired, without exp, nbf in the future, iat in the future, exp not a number")
    void times() {
      String sub = user();
      assertRefused(hs256(new JsonObject().put("sub", sub).put("exp", now() - 60)), "expired");
      assertRefused(hs256(new JsonObject().put("sub", sub).put("iat", now())), "no exp");
      assertRefused(hs256(new JsonObject().put("sub", sub).put("exp", now() + 600).put("nbf", now() + 300)), "nbf");
      assertRefused(hs256(new JsonObject().put("sub", sub).put("exp", now() + 600).put("iat", now() + 300)), "iat");
      assertRefused(hs256(new JsonObject().put("sub", sub).put("exp", "tomorrow")), "exp must be a number");
      assertEquals(200, http.get("/api/v1/sessions",
          hs256(new JsonObject().put("sub", sub).put("roles", new JsonArray().add("user")).put("exp", now() + 600)
              .put("nbf", now() - 1))).statusCode(), "a past nbf is fine");
    }

    @Test
    @DisplayName("without sub, or with an empty or non-string sub")
    void noSubject() {
      assertRefused(hs256(new JsonObject().put("roles", new JsonArray().add("user")).put("exp", now() + 600)), "no sub");
      assertRefused(hs256(new JsonObject().put("sub", "  ").put("exp", now() + 600)), "no sub");
      assertRefused(hs256(new JsonObject().put("sub", 42).put("exp", now() + 600)), "no sub");
    }

    @Test
    @DisplayName("a garbled header, payload or structure")
    void garbled() {
      String good = token(user(), "user");
      String[] parts = good.split("\\.");
      assertRefused("not.a.jwt", "header is not a JSON object");
      assertRefused(JwtForge.b64("{\"alg\":") + "." + parts[1] + "." + parts[2], "header is not a JSON object");
      assertRefused(parts[0] + "." + JwtForge.b64("[1,2]") + "." + parts[2], "payload is not a JSON object");
      assertRefused(parts[0] + ".%%%." + parts[2], "payload is not base64url");
      assertRefused(parts[0] + "=." + parts[1] + "." + parts[2], "header is not base64url");
      assertRefused(good + ".extra", "not a signed JWT");
      assertRefused(parts[0] + ".." + parts[2], "empty payload");
      assertRefused("x".repeat(7000), "not a signed JWT");
      assertRefused(JwtForge.hs256(JwtForge.header("HS256", null).put("crit", new JsonArray().add("exp")),
          JwtForge.claims(user(), List.of("user"), 600), SECRET), "crit");
      HttpResponse<Buffer> basic = http.send(HttpMethod.GET, "/api/v1/sessions", null, null,
          Map.of("Authorization", "Basic dTpw"));
      assertProblem(basic, 401);
    }
  }

  @Nested
  @DisplayName("roles")
  class RolesClaim {
    @Test
    @DisplayName("admin stats: 403 for a user, 200 with the counts for an admin")
    void adminStats() {
      String owner = token(user(), "user");
      String session = http.post("/api/v1/sessions", owner, new JsonObject()).bodyAsJsonObject().getString("id");
      assertEquals(201, http.post("/api/v1/sessions/" + session + "/messages", owner,
          new JsonObject().put("content", "How many squats?")).statusCode());

      HttpResponse<Buffer> forbidden = http.get("/api/v1/admin/stats", owner);
      assertProblem(forbidden, 403);
      assertTrue(forbidden.bodyAsJsonObject().getString("detail").contains("admin"));
      assertProblem(http.get("/api/v1/admin/stats", null), 401);

      HttpResponse<Buffer> stats = http.get("/api/v1/admin/stats", token(user(), "admin"));
      assertEquals(200, stats.statusCode(), stats::bodyAsString);
      assertEquals("application/json", stats.getHeader("Content-Type"));
      JsonObject body = stats.bodyAsJsonObject();
      JsonObject counts = body.getJsonObject("counts");
      assertTrue(counts.getLong("users") >= 1, body::encode);
      assertTrue(counts.getLong("sessions") >= 1, body::encode);
      assertTrue(counts.getLong("messages") >= 2, body::encode);
      assertNotNull(body.getJsonObject("caches"), body::encode);
      assertEquals(7, body.getJsonObject("agents").getInteger("count"));
      assertTrue(body.getJsonObject("gateway").getLong("verifiedTokensCached") >= 1, body::encode);
    }

    @Test
    @DisplayName("user routes need the user or admin role; no roles (or others only) is 403")
    void userRoutes() {
      assertEquals(200, http.get("/api/v1/sessions", token(user(), "user")).statusCode());
      assertEquals(200, http.get("/api/v1/sessions", token(user(), "admin")).statusCode());
      assertProblem(http.get("/api/v1/sessions", token(user())), 403);
      assertProblem(http.get("/api/v1/agents", token(user(), "guest", "USER")), 403);
      assertProblem(http.get("/api/v1/sessions",
          hs256(new JsonObject().put("sub", user()).put("exp", now() + 600).put("roles", "user"))), 401);
    }

    @Test
    @DisplayName("an unknown admin route is 403 for a user and 404 for an admin")
    void unknownAdminRoute() {
      assertProblem(http.get("/api/v1/admin/nothing", token(user(), "user")), 403);
      assertProblem(http.get("/api/v1/admin/nothing", token(user(), "admin")), 404);
    }
  }

  @Nested
  @DisplayName("no route that takes an id lets user B read, change or close user A's data")
  class Idor {
    @Test
    @DisplayName("B gets 404 on A's session, its messages, closing it and posting to it; A's data is unchanged")
    void otherUsersSession() {
      String a = token(user(), "user");
      String b = token(user(), "user");
      JsonObject session = http.post("/api/v1/sessions", a, new JsonObject().put("agentId", "sage").put("title", "A's plan"))
          .bodyAsJsonObject();
      String id = session.getString("id");
      HttpResponse<Buffer> sent = http.post("/api/v1/sessions/" + id + "/messages", a,
          new JsonObject().put("content", "80 kg, 180 cm, 30 years: calories?"));
      assertEquals(201, sent.statusCode(), sent::bodyAsString);
      JsonObject before = http.get("/api/v1/sessions/" + id, a).bodyAsJsonObject();
      JsonArray messagesBefore = http.get("/api/v1/sessions/" + id + "/messages", a).bodyAsJsonObject().getJsonArray("items");
      String messageId = sent.bodyAsJsonObject().getJsonObject("message").getString("id");

      assertProblem(http.get("/api/v1/sessions/" + id, b), 404);
      assertProblem(http.get("/api/v1/sessions/" + id + "/messages", b), 404);
      assertProblem(http.get("/api/v1/sessions/" + id + "/messages?before=" + messageId, b), 404);
      assertProblem(http.post("/api/v1/sessions/" + id + "/messages", b, new JsonObject().put("content", "hijack")), 404);
      assertProblem(http.post("/api/v1/sessions/" + id + "/messages", b,
          new JsonObject().put("content", "hijack").put("agentId", "blaze")), 404);
      assertProblem(http.delete("/api/v1/sessions/" + id, b), 404);
      assertProblem(http.get("/api/v1/sessions/" + id, token(user(), "admin")), 404);

      JsonObject bSessions = http.get("/api/v1/sessions", b).bodyAsJsonObject();
      assertEquals(0, bSessions.getJsonArray("items").size(), "B lists none of A's sessions");
      String bOwn = http.post("/api/v1/sessions", b, new JsonObject()).bodyAsJsonObject().getString("id");
      HttpResponse<Buffer> crossCursor = http.get("/api/v1/sessions/" + bOwn + "/messages?before=" + messageId, b);
      assertEquals(400, crossCursor.statusCode(), "A's message id is no cursor into B's session");
      assertFalse(crossCursor.bodyAsString().contains("80 kg"));

      assertEquals(before, http.get("/api/v1/sessions/" + id, a).bodyAsJsonObject(), "A's session unchanged");
      assertTrue(before.getBoolean("active"));
      assertEquals(messagesBefore, http.get("/api/v1/sessions/" + id + "/messages", a).bodyAsJsonObject().getJsonArray("items"),
          "A's messages unchanged");
    }

    @Test
    @DisplayName("A's session listing cursor gives B only B's sessions")
    void otherUsersCursor() {
      String a = token(user(), "user");
      String b = token(user(), "user");
      for (int i = 0; i < 3; i++) {
        assertEquals(201, http.post("/api/v1/sessions", a, new JsonObject().put("title", "a" + i)).statusCode());
      }
      String cursor = http.get("/api/v1/sessions?limit=1", a).bodyAsJsonObject().getString("nextCursor");
      assertNotNull(cursor);
      HttpResponse<Buffer> page = http.get("/api/v1/sessions?limit=10&cursor=" + cursor, b);
      if (page.statusCode() == 200) {
        assertEquals(0, page.bodyAsJsonObject().getJsonArray("items").size(), page::bodyAsString);
      } else {
        assertProblem(page, 400);
      }
    }
  }
}
