package io.genesis.gateway.auth;

/**
 * Why a bearer token was refused. The message is shown to the client, so it names the rule the
 * token broke and never quotes the token or a library's parse error (which could echo parts of it).
 */
public final class InvalidToken extends RuntimeException {
  public InvalidToken(String reason) {
    super(reason, null, false, false);
  }
}
