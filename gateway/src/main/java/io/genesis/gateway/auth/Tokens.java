package io.genesis.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.List;

/** Signs and verifies GENESIS tokens: HS256 with the configured secret, claims {@code sub}, {@code roles}, {@code exp}. */
public final class Tokens {
  public static final String ALGORITHM = "HS256";

  private final JWTAuth jwt;

  public Tokens(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
        .setJWTOptions(new JWTOptions().setAlgorithm(ALGORITHM).setLeeway(5)));
  }

  public JWTAuth provider() {
    return jwt;
  }

  public record Issued(String token, Instant expiresAt) {}

  public Issued issue(String userId, List<String> roles, long ttlSeconds) {
    Instant expiresAt = Instant.ofEpochSecond(Instant.now().getEpochSecond() + ttlSeconds);
    JsonObject claims = new JsonObject().put("roles", new JsonArray(List.copyOf(roles)));
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setSubject(userId)
        .setExpiresInSeconds((int) ttlSeconds));
    return new Issued(token, expiresAt);
  }
}
