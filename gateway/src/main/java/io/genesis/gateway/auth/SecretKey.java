package io.genesis.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Set;

/** HS256 with the configured shared secret ({@code GENESIS_JWT_SECRET}). */
final class SecretKey implements SigningKeys {
  private static final Set<String> ALGORITHMS = Set.of(Tokens.ALGORITHM);

  private final JWTAuth jwt;

  SecretKey(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(Tokens.ALGORITHM).setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIgnoreExpiration(true)));
  }

  @Override
  public Set<String> algorithms() {
    return ALGORITHMS;
  }

  @Override
  public Future<Void> verifySignature(String token, JwtParts parts) {
    return Signatures.check(jwt, token);
  }
}
