package io.genesis.gateway.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A compact JWS split and decoded strictly: exactly three non-empty base64url segments (no padding),
 * a JSON object header and payload. Checked before any signature work, so garbage never reaches
 * the crypto code and every refusal gets a precise reason.
 */
record JwtParts(JsonObject header, JsonObject payload, byte[] signature) {
  /** Far above any real token, and below the HTTP server's 8 KB header limit. */
  static final int MAX_CHARS = 8 * 1024;

  static JwtParts parse(String token) {
    if (token.length() > MAX_CHARS) {
      throw new InvalidToken("token too long");
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new InvalidToken("not a signed JWT (expected header.payload.signature)");
    }
    JsonObject header = json(segment(token, 0, first, "header"), "header");
    JsonObject payload = json(segment(token, first + 1, second, "payload"), "payload");
    byte[] signature = segment(token, second + 1, token.length(), "signature");
    return new JwtParts(header, payload, signature);
  }

  private static byte[] segment(String token, int from, int to, String name) {
    if (from == to) {
      throw new InvalidToken("empty " + name);
    }
    for (int i = from; i < to; i++) {
      char c = token.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        throw new InvalidToken(name + " is not base64url");
      }
    }
    try {
      return Base64.getUrlDecoder().decode(token.substring(from, to));
    } catch (IllegalArgumentException e) {
      throw new InvalidToken(name + " is not base64url");
    }
  }

  private static JsonObject json(byte[] bytes, String name) {
    try {
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new InvalidToken(name + " is not a JSON object");
    }
  }

  String algorithm() {
    return header.getValue("alg") instanceof String alg ? alg : null;
  }

  String keyId() {
    return header.getValue("kid") instanceof String kid ? kid : null;
  }
}
