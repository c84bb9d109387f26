package io.genesis.gateway.auth;

import io.vertx.core.Future;
import java.util.Set;

/** The keys tokens must be signed with, and the only algorithms accepted for them. */
interface SigningKeys {
  Set<String> algorithms();

  /**
   * Checks the signature only (claims are {@link TokenVerifier}'s job). Fails with an
   * {@link InvalidToken} when the token is not signed by one of these keys.
   */
  Future<Void> verifySignature(String token, JwtParts parts);
}
