package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Gateway security with RS256 and ES256 keys from a JWKS URL")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwksAuthTest {
  private static final KeyPair RSA = JwtForge.rsaKeys();
  private static final KeyPair EC = JwtForge.ecKeys();
  private static final KeyPair ROTATED_RSA = JwtForge.rsaKeys();
  private static final KeyPair STRANGER_RSA = JwtForge.rsaKeys();
  private static final KeyPair STRANGER_EC = JwtForge.ecKeys();

  @TempDir
  static Path dataDir;

  private final AtomicReference<JsonObject> jwks = new AtomicReference<>(jwks(
      JwtForge.rsaJwk((RSAPublicKey) RSA.getPublic(), "rsa-1"), JwtForge.ecJwk((ECPublicKey) EC.getPublic(), "ec-1")));
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private Vertx clientVertx;
  private String jwksBase;
  private Genesis genesis;
  private Http http;

  @BeforeAll
  void start() {
    clientVertx = Vertx.vertx();
    HttpServer keyServer = Await.result(clientVertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/jwks.json" -> {
          jwksFetches.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json").end(jwks.get().toBuffer());
        }
        case "/hmac-only.json" -> request.response().putHeader("Content-Type", "application/json")
            .end(jwks(new JsonObject().put("kty", "oct").put("kid", "h").put("k", JwtForge.b64("0123456789abcdef0123456789abcdef"))).toBuffer());
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"), Duration.ofSeconds(10));
    jwksBase = "http://127.0.0.1:" + keyServer.actualPort();
    TestServices.Urls urls = TestServices.get();
    genesis = Genesis.start(TestApp.config(dataDir, urls.pgUrl(), urls.redisUrl(),
        Map.of("GENESIS_JWKS_URL", jwksBase + "/jwks.json", "GENESIS_DEV_TOKENS", "false")), Set.of(Service.values()), false);
    http = new Http(clientVertx, genesis.httpPort());
  }

  @AfterAll
  void stop() {
    genesis.close();
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
  }

  private static JsonObject jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys)));
  }

  private static JsonObject claims(String... roles) {
    return JwtForge.claims("u-" + UUID.randomUUID(), List.of(roles), 600);
  }

  private static String rs256(String kid, JsonObject claims) {
    return JwtForge.rs256(JwtForge.header("RS256", kid), claims, RSA.getPrivate());
  }

  private static String es256(String kid, JsonObject claims) {
    return JwtForge.es256(JwtForge.header("ES256", kid), claims, EC.getPrivate());
  }

  private void assertRefused(String token, String reason) {
    HttpResponse<Buffer> response = http.get("/api/v1/sessions", token);
    assertEquals(401, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    String detail = response.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains(reason), () -> "detail names '" + reason + "': " + detail);
  }

  @Nested
  @DisplayName("accepted")
  class Accepted {
    @Test
    @DisplayName("an RS256 token whose kid is in the JWKS; sub becomes the user")
    void rs256Token() {
      JsonObject claims = claims("user");
      String token = rs256("rsa-1", claims);
      assertEquals(200, http.get("/api/v1/sessions", token).statusCode());
      HttpResponse<Buffer> created = http.post("/api/v1/sessions", token, new JsonObject());
      assertEquals(201, created.statusCode(), created::bodyAsString);
      assertEquals(claims.getString("sub"), created.bodyAsJsonObject().getString("userId"));
    }

    @Test
    @DisplayName("an ES256 token (R||S signature); the admin role reaches the admin stats, the user role does not")
    void es256Token() {
      assertEquals(200, http.get("/api/v1/sessions", es256("ec-1", claims("user"))).statusCode());
      assertEquals(403, http.get("/api/v1/admin/stats", es256("ec-1", claims("user"))).statusCode());
      HttpResponse<Buffer> stats = http.get("/api/v1/admin/stats", es256("ec-1", claims("admin")));
      assertEquals(200, stats.statusCode(), stats::bodyAsString);
      assertTrue(stats.bodyAsJsonObject().getJsonObject("counts").containsKey("users"));
    }

    @Test
    @DisplayName("a token without kid is checked against the keys for its alg")
    void withoutKid() {
      assertEquals(200, http.get("/api/v1/sessions", rs256(null, claims("user"))).statusCode());
      assertEquals(200, http.get("/api/v1/sessions", es256(null, claims("user"))).statusCode());
    }
  }

  @Nested
  @DisplayName("refused with 401")
  class Refused {
    @Test
    @DisplayName("algorithm confusion: HS256 signed with the RSA public key (DER or PEM) as the HMAC secret")
    void algorithmConfusion() {
      RSAPublicKey publicKey = (RSAPublicKey) RSA.getPublic();
      JsonObject claims = claims("admin");
      for (byte[] secret : List.of(publicKey.getEncoded(), JwtForge.pem(publicKey).getBytes(StandardCharsets.US_ASCII))) {
        assertRefused(JwtForge.hs256(JwtForge.header("HS256", "rsa-1"), claims, secret), "alg 'HS256' is not accepted");
        assertRefused(JwtForge.hs256(JwtForge.header("HS256", null), claims, secret), "alg 'HS256' is not accepted");
      }
    }

    @Test
    @DisplayName("HS256 even with the configured shared secret, and alg none")
    void sharedSecretAndNone() {
      JsonObject claims = claims("user");
      assertRefused(JwtForge.hs256(JwtForge.header("HS256", null), claims, TestApp.SECRET.getBytes(StandardCharsets.UTF_8)),
          "alg 'HS256' is not accepted");
      assertRefused(JwtForge.signingInput(JwtForge.header("none", null), claims) + "." + JwtForge.b64("x"),
          "alg 'none' is not accepted");
      assertEquals(401, http.post("/api/v1/auth/dev-token", null, new JsonObject().put("userId", "u1")).statusCode(),
          "no dev tokens with a JWKS");
    }

    @Test
    @DisplayName("a bad signature: another key under a known kid, a changed payload, a DER-encoded ES256 signature")
    void badSignature() {
      JsonObject claims = claims("user");
      assertRefused(JwtForge.rs256(JwtForge.header("RS256", "rsa-1"), claims, STRANGER_RSA.getPrivate()), "bad signature");
      assertRefused(JwtForge.es256(JwtForge.header("ES256", "ec-1"), claims, STRANGER_EC.getPrivate()), "bad signature");
      assertRefused(JwtForge.es256Der(JwtForge.header("ES256", "ec-1"), claims, EC.getPrivate()), "bad signature");
      String[] parts = rs256("rsa-1", claims).split("\\.");
      String admin = JwtForge.b64(claims.copy().put("roles", new JsonArray().add("admin")).encode());
      assertRefused(parts[0] + "." + admin + "." + parts[2], "bad signature");
    }

    @Test
    @DisplayName("expired, no exp, nbf in the future, no sub")
    void badClaims() {
      long now = Instant.now().getEpochSecond();
      JsonObject user = new JsonObject().put("sub", "u-" + UUID.randomUUID()).put("roles", new JsonArray().add("user"));
      assertRefused(rs256("rsa-1", user.copy().put("exp", now - 60)), "expired");
      assertRefused(es256("ec-1", user.copy().put("exp", now - 60)), "expired");
      assertRefused(rs256("rsa-1", user.copy()), "no exp");
      assertRefused(rs256("rsa-1", user.copy().put("exp", now + 600).put("nbf", now + 120)), "nbf");
      assertRefused(rs256("rsa-1", new JsonObject().put("exp", now + 600)), "no sub");
    }
  }

  @Test
  @DisplayName("key rotation: a token with a new kid is accepted once the JWKS has it; made-up kids do not hammer the JWKS")
  void rotation() {
    jwks.set(jwks(JwtForge.rsaJwk((RSAPublicKey) RSA.getPublic(), "rsa-1"), JwtForge.ecJwk((ECPublicKey) EC.getPublic(), "ec-1"),
        JwtForge.rsaJwk((RSAPublicKey) ROTATED_RSA.getPublic(), "rsa-2")));
    String rotated = JwtForge.rs256(JwtForge.header("RS256", "rsa-2"), claims("user"), ROTATED_RSA.getPrivate());
    // A POST first, on a new connection each time so that every gateway instance meets the new kid
    // with a body in flight: the body must survive the JWKS fetch the unknown kid triggers.
    int gateways = Math.max(1, Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < 2 * gateways; i++) {
      HttpResponse<Buffer> created = http.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/sessions", rotated,
          new io.vertx.core.json.JsonObject().put("title", "after rotation " + i).toBuffer(),
          Map.of("Content-Type", "application/json", "Connection", "close"));
      assertEquals(201, created.statusCode(), created::bodyAsString);
      assertEquals("after rotation " + i, created.bodyAsJsonObject().getString("title"));
    }
    HttpResponse<Buffer> response = http.get("/api/v1/sessions", rotated);
    assertEquals(200, response.statusCode(), response::bodyAsString);
    assertEquals(200, http.get("/api/v1/sessions", rs256("rsa-1", claims("user"))).statusCode(), "the old key still counts");

    int fetchesBefore = jwksFetches.get();
    for (int i = 0; i < 30; i++) {
      String bogus = JwtForge.rs256(JwtForge.header("RS256", "bogus-" + i), claims("user"), ROTATED_RSA.getPrivate());
      assertRefused(bogus, "no known key matches the token's kid");
    }
    int gatewayInstances = Math.max(1, Runtime.getRuntime().availableProcessors());
    assertTrue(jwksFetches.get() - fetchesBefore <= gatewayInstances,
        () -> (jwksFetches.get() - fetchesBefore) + " JWKS fetches for 30 made-up kids; at most one per gateway instance per 10 s");
  }

  @Nested
  @DisplayName("a gateway whose JWKS cannot be used does not start, and says GENESIS_JWKS_URL")
  class StartFailures {
    private void assertStartFails(String jwksUrl, String reason, Path dir) {
      RuntimeException failure = assertThrows(RuntimeException.class, () -> Genesis.start(
          TestApp.config(dir, "postgresql://nobody@127.0.0.1:1/none", "redis://127.0.0.1:1", Map.of("GENESIS_JWKS_URL", jwksUrl)),
          Set.of(Service.GATEWAY), false).close());
      assertTrue(failure.getMessage().startsWith("GENESIS_JWKS_URL: "), failure::getMessage);
      assertTrue(failure.getMessage().contains(reason), failure::getMessage);
    }

    @Test
    @DisplayName("nothing listening, a 404, a JWKS with only an HMAC key")
    void unusable(@TempDir Path dir) {
      assertStartFails("http://127.0.0.1:1/jwks.json", "cannot load signing keys", dir);
      assertStartFails(jwksBase + "/missing.json", "answered HTTP 404", dir);
      assertStartFails(jwksBase + "/hmac-only.json", "no RS256 or ES256 signature key", dir);
    }
  }
}
