package io.genesis.gateway.auth;

import io.genesis.common.config.ConfigException;
import io.genesis.common.log.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RS256 and ES256 public keys from a JWKS URL ({@code GENESIS_JWKS_URL}), fetched with the Vert.x
 * web client (never blocking), kept in memory and fetched again when a token names a key we do not
 * have (the issuer rotated its keys), at most once per {@link #MIN_REFRESH_INTERVAL_NANOS} so a
 * flood of made-up {@code kid}s cannot hammer the JWKS server; also every {@link #PERIODIC_REFRESH_MILLIS},
 * so a key the issuer withdrew stops being trusted.
 *
 * <p>Confined to the context of the verticle that created it (each gateway instance has its own).
 */
final class JwksKeys implements SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
  static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
  static final long MIN_REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long PERIODIC_REFRESH_MILLIS = TimeUnit.MINUTES.toMillis(15);
  private static final long FETCH_TIMEOUT_MILLIS = 5_000;
  private static final int MIN_RSA_MODULUS_BYTES = 2048 / 8;
  private static final int P256_COORDINATE_BYTES = 32;

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final LongSupplier nanoTime;
  private final long minRefreshInterval;
  private JWTAuth keys;
  private long nextRefreshAllowed;
  private Future<Boolean> refreshing;

  JwksKeys(Vertx vertx, String url, LongSupplier nanoTime, long minRefreshIntervalNanos) {
    this.vertx = vertx;
    this.url = url;
    this.nanoTime = nanoTime;
    this.minRefreshInterval = minRefreshIntervalNanos;
    this.nextRefreshAllowed = nanoTime.getAsLong();
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) FETCH_TIMEOUT_MILLIS)
        .setUserAgent("GENESIS-gateway")
        .setFollowRedirects(false));
  }

  /** Fetches the keys once; a failure fails the gateway's start with a line naming the setting. */
  static Future<JwksKeys> load(Vertx vertx, String url) {
    // WebClientOptions' static initialiser reads Vert.x's version from a jar, once: not on an event loop.
    return vertx.executeBlocking(() -> new JwksKeys(vertx, url, System::nanoTime, MIN_REFRESH_INTERVAL_NANOS))
        .compose(JwksKeys::loadFirst);
  }

  private Future<JwksKeys> loadFirst() {
    return fetch()
        .recover(failure -> Future.failedFuture(new ConfigException("GENESIS_JWKS_URL",
            "cannot load signing keys from " + Redaction.url(url) + " (" + Redaction.text(failure.getMessage()) + ")")))
        .map(loaded -> {
          vertx.setPeriodic(PERIODIC_REFRESH_MILLIS, timer -> fetch().onFailure(failure ->
              LOG.warn("JWKS refresh from {} failed, keeping the keys we have: {}", Redaction.url(url),
                  Redaction.text(failure.getMessage()))));
          return this;
        });
  }

  @Override
  public Set<String> algorithms() {
    return ALGORITHMS;
  }

  @Override
  public Future<Void> verifySignature(String token, JwtParts parts) {
    return Signatures.check(keys, token).recover(failure -> failure instanceof Signatures.UnknownKey
        ? refresh().compose(refreshed -> refreshed ? Signatures.check(keys, token) : Future.failedFuture(failure))
        : Future.failedFuture(failure));
  }

  /** Fetches the keys again unless the last fetch is too recent (joining one under way); true when fetched. */
  Future<Boolean> refresh() {
    if (refreshing != null && !refreshing.isComplete()) {
      return refreshing;
    }
    long now = nanoTime.getAsLong();
    if (now - nextRefreshAllowed < 0) {
      return Future.succeededFuture(false);
    }
    nextRefreshAllowed = now + minRefreshInterval;
    refreshing = fetch()
        .map(true)
        .recover(failure -> {
          LOG.warn("JWKS refresh from {} failed, keeping the keys we have: {}", Redaction.url(url),
              Redaction.text(failure.getMessage()));
          return Future.succeededFuture(false);
        });
    return refreshing;
  }

  private Future<Void> fetch() {
    return client.getAbs(url)
        .timeout(FETCH_TIMEOUT_MILLIS)
        .putHeader("Accept", "application/json")
        .send()
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(response.body())
            : Future.failedFuture("answered HTTP " + response.statusCode()))
        .map(JwksKeys::usableKeys)
        .map(jwks -> {
          keys = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(jwks)
              .setJWTOptions(new JWTOptions().setIgnoreExpiration(true)));
          LOG.info("loaded {} signing key(s) from {}", jwks.size(), Redaction.url(url));
          return null;
        });
  }

  /**
   * The RS256 and ES256 (P-256) signature keys of a JWKS document; anything else (HMAC keys,
   * encryption keys, weak RSA keys, other curves) is left out, so it can never verify a token.
   */
  static List<JsonObject> usableKeys(Buffer body) {
    JsonArray all;
    try {
      all = body == null ? null : new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalStateException("not a JWKS document (a JSON object with a keys array)");
    }
    if (all == null) {
      throw new IllegalStateException("not a JWKS document (a JSON object with a keys array)");
    }
    List<JsonObject> usable = new ArrayList<>();
    for (Object entry : all) {
      if (entry instanceof JsonObject jwk && isUsable(jwk)) {
        usable.add(jwk.copy().put("alg", "RSA".equals(jwk.getString("kty")) ? "RS256" : "ES256"));
      }
    }
    if (usable.isEmpty()) {
      throw new IllegalStateException("no RS256 or ES256 signature key in it");
    }
    return usable;
  }

  private static boolean isUsable(JsonObject jwk) {
    Object use = jwk.getValue("use");
    if (use != null && !"sig".equals(use)) {
      return false;
    }
    Object alg = jwk.getValue("alg");
    Object kty = jwk.getValue("kty");
    if ("RSA".equals(kty)) {
      return (alg == null || "RS256".equals(alg))
          && decodedLength(jwk, "n") >= MIN_RSA_MODULUS_BYTES && decodedLength(jwk, "e") > 0;
    }
    if ("EC".equals(kty)) {
      return (alg == null || "ES256".equals(alg)) && "P-256".equals(jwk.getValue("crv"))
          && decodedLength(jwk, "x") == P256_COORDINATE_BYTES && decodedLength(jwk, "y") == P256_COORDINATE_BYTES;
    }
    return false;
  }

  /** Decoded length of a base64url member, or -1 when absent or not base64url. */
  private static int decodedLength(JsonObject jwk, String member) {
    if (!(jwk.getValue(member) instanceof String text)) {
      return -1;
    }
    try {
      return Base64.getUrlDecoder().decode(text).length;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
