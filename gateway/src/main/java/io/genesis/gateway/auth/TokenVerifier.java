package io.genesis.gateway.auth;

import io.genesis.common.config.GenesisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a bearer token into a {@link Caller}, or fails with an {@link InvalidToken}. The token
 * must be a signed JWT whose header {@code alg} is one the keys are for (so neither {@code none}
 * nor an HS256 token signed with an RSA public key is ever tried), without {@code crit} extensions,
 * with a valid signature, a {@code sub}, an {@code exp} in the future and, when present,
 * {@code nbf} and {@code iat} not in the future (give or take {@link #LEEWAY_SECONDS} of clock skew).
 * vertx-auth-jwt checks the signature; the rest is checked here, explicitly.
 */
public final class TokenVerifier {
  static final long LEEWAY_SECONDS = 5;
  static final long CACHE_SIZE = 100_000;
  static final int MAX_SUBJECT_CHARS = 255;
  private static final Pattern PRINTABLE_ALG = Pattern.compile("[A-Za-z0-9+-]{1,16}");
  private static final int ES256_SIGNATURE_BYTES = 64;

  private final SigningKeys keys;
  private final VerifiedTokens verified;
  private final Clock clock;

  TokenVerifier(SigningKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.verified = new VerifiedTokens(CACHE_SIZE, clock);
  }

  /**
   * HS256 with the configured secret, or, when {@code GENESIS_JWKS_URL} is set, RS256/ES256 with
   * the keys found there and nothing else. Fails (naming the setting) when the JWKS cannot be loaded.
   */
  public static Future<TokenVerifier> create(Vertx vertx, GenesisConfig config) {
    if (config.jwksUrl() == null) {
      return Future.succeededFuture(new TokenVerifier(new SecretKey(vertx, config.jwtSecret()), Clock.systemUTC()));
    }
    return JwksKeys.load(vertx, config.jwksUrl()).map(jwks -> new TokenVerifier(jwks, Clock.systemUTC()));
  }

  /** Whether tokens are HS256 with the shared secret (the kind {@link Tokens} issues). */
  public boolean acceptsSharedSecretTokens() {
    return keys.algorithms().contains(Tokens.ALGORITHM);
  }

  /** How many verified tokens this instance keeps (an estimate). */
  public long cachedTokens() {
    return verified.size();
  }

  public Future<Caller> verify(String token) {
    Caller cached = verified.get(token);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    JwtParts parts;
    try {
      parts = JwtParts.parse(token);
      checkHeader(parts);
      checkClaimTypes(parts.payload());
    } catch (InvalidToken invalid) {
      return Future.failedFuture(invalid);
    }
    return keys.verifySignature(token, parts)
        .recover(failure -> Future.failedFuture(failure instanceof InvalidToken ? failure
            : new InvalidToken(failure instanceof Signatures.UnknownKey ? "no known key matches the token's kid" : "bad signature")))
        .map(verifiedSignature -> {
          JsonObject claims = parts.payload();
          checkTimes(claims);
          Caller caller = new Caller(claims.getString("sub"), roles(claims.getValue("roles")));
          verified.put(token, caller, claims.getLong("exp"));
          return caller;
        });
  }

  private void checkHeader(JwtParts parts) {
    String alg = parts.algorithm();
    if (alg == null) {
      throw new InvalidToken("no alg in the header");
    }
    if (!keys.algorithms().contains(alg)) {
      throw new InvalidToken("alg " + (PRINTABLE_ALG.matcher(alg).matches() ? "'" + alg + "' " : "")
          + "is not accepted (accepted: " + String.join(", ", keys.algorithms().stream().sorted().toList()) + ")");
    }
    if (parts.header().containsKey("crit")) {
      throw new InvalidToken("crit header extensions are not supported");
    }
    if (parts.header().containsKey("kid") && parts.keyId() == null) {
      throw new InvalidToken("kid must be a string");
    }
    // JWS ES256 signatures are R||S, 64 bytes; vertx-auth-jwt would also take DER, which JWS forbids.
    if ("ES256".equals(alg) && parts.signature().length != ES256_SIGNATURE_BYTES) {
      throw new InvalidToken("bad signature");
    }
  }

  /** Before the signature check: vertx-auth-jwt throws (instead of failing) on a non-numeric exp. */
  private static void checkClaimTypes(JsonObject claims) {
    if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
      throw new InvalidToken("no sub claim");
    }
    if (sub.length() > MAX_SUBJECT_CHARS) {
      throw new InvalidToken("sub longer than " + MAX_SUBJECT_CHARS + " characters");
    }
    if (!claims.containsKey("exp")) {
      throw new InvalidToken("no exp claim");
    }
    for (String time : List.of("exp", "nbf", "iat")) {
      if (claims.containsKey(time) && !(claims.getValue(time) instanceof Number)) {
        throw new InvalidToken(time + " must be a number of seconds");
      }
    }
    if (claims.containsKey("roles") && !(claims.getValue("roles") instanceof JsonArray)) {
      throw new InvalidToken("roles must be an array of strings");
    }
  }

  private void checkTimes(JsonObject claims) {
    long now = clock.millis() / 1000;
    if (now - LEEWAY_SECONDS >= claims.getLong("exp")) {
      throw new InvalidToken("token expired");
    }
    if (claims.containsKey("nbf") && claims.getLong("nbf") > now + LEEWAY_SECONDS) {
      throw new InvalidToken("token not valid yet (nbf)");
    }
    if (claims.containsKey("iat") && claims.getLong("iat") > now + LEEWAY_SECONDS) {
      throw new InvalidToken("token issued in the future (iat)");
    }
  }

  private static List<String> roles(Object claim) {
    List<String> roles = new ArrayList<>();
    if (claim instanceof JsonArray array) {
      for (Object role : array) {
        if (role instanceof String name) {
          roles.add(name);
        }
      }
    }
    return List.copyOf(roles);
  }
}
