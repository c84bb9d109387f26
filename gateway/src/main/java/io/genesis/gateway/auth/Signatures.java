package io.genesis.gateway.auth;

import io.vertx.core.Future;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

/** Signature checks through vertx-auth-jwt, with its failures turned into safe reasons. */
final class Signatures {
  private Signatures() {}

  /**
   * The providers are built with {@code ignoreExpiration}: time claims are checked by
   * {@link TokenVerifier} (with a clock tests can move), so a failure here is about the signature.
   */
  static Future<Void> check(JWTAuth jwt, String token) {
    Future<?> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // It throws (rather than failing the future) on some malformed claims; never let that be a 500.
      authenticated = Future.failedFuture(e);
    }
    return authenticated.<Void>mapEmpty().recover(failure -> Future.failedFuture(
        failure instanceof NoSuchKeyIdException ? new UnknownKey() : new InvalidToken("bad signature")));
  }

  /** No key with the token's {@code kid} (or for its algorithm): a refresh of the key set may help. */
  static final class UnknownKey extends RuntimeException {
    UnknownKey() {
      super("no key matches the token's kid", null, false, false);
    }
  }
}
