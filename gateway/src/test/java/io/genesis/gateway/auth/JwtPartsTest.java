package io.genesis.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Splitting a compact JWS strictly")
class JwtPartsTest {
  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static final String HEADER = b64("{\"alg\":\"HS256\",\"kid\":\"k\"}");
  private static final String PAYLOAD = b64("{\"sub\":\"alice\"}");

  private static String reason(String token) {
    return assertThrows(InvalidToken.class, () -> JwtParts.parse(token)).getMessage();
  }

  @Test
  @DisplayName("three base64url segments: header and payload JSON objects, the signature bytes")
  void parses() {
    JwtParts parts = JwtParts.parse(HEADER + "." + PAYLOAD + "." + b64("sig"));
    assertEquals("HS256", parts.algorithm());
    assertEquals("k", parts.keyId());
    assertEquals("alice", parts.payload().getString("sub"));
    assertEquals("sig", new String(parts.signature(), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("refuses other shapes with a reason that quotes nothing from the token")
  void refuses() {
    assertEquals("not a signed JWT (expected header.payload.signature)", reason(HEADER + "." + PAYLOAD));
    assertEquals("not a signed JWT (expected header.payload.signature)", reason(HEADER + "." + PAYLOAD + ".a.b"));
    assertEquals("empty signature", reason(HEADER + "." + PAYLOAD + "."));
    assertEquals("empty header", reason("." + PAYLOAD + ".c2ln"));
    assertEquals("header is not base64url", reason(HEADER + "==." + PAYLOAD + ".c2ln"));
    assertEquals("payload is not base64url", reason(HEADER + ".a+b/." + "c2ln"));
    assertEquals("payload is not base64url", reason(HEADER + ".A.c2ln"));
    assertEquals("header is not a JSON object", reason(b64("\"HS256\"") + "." + PAYLOAD + ".c2ln"));
    assertEquals("payload is not a JSON object", reason(HEADER + "." + b64("{\"sub\":") + ".c2ln"));
    assertEquals("token too long", reason("a".repeat(JwtParts.MAX_CHARS + 1)));
  }
}
