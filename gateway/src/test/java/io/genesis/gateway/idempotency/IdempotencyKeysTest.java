package io.genesis.gateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Messages;
import io.genesis.gateway.http.InvalidRequest;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The body digest and the header check, without a bus: neither touches the session service. */
@DisplayName("IdempotencyKeys: the body digest (keyed, length-prefixed) and the Idempotency-Key header check")
class IdempotencyKeysTest {
  private static final String SECRET = "encryption-key-one-0123456789abcdef";
  private static final String OTHER_SECRET = "encryption-key-two-0123456789abcdef";
  private static final String ROUTE = Messages.IDEMPOTENCY_MESSAGES;

  private static String digest(String encryptionKey, String... parts) {
    return new IdempotencyKeys(null, encryptionKey).digest("user-1", "key-1", ROUTE, parts);
  }

  @Test
  @DisplayName("the same encryption key gives the same digest, in another instance too; a 64-digit hex HMAC")
  void sameKeySameDigest() {
    String first = digest(SECRET, "session", "How fast?", "volt");
    assertEquals(first, digest(SECRET, "session", "How fast?", "volt"));
    assertTrue(first.matches("[0-9a-f]{64}"), first);
  }

  @Test
  @DisplayName("another encryption key gives another digest; so does none (plain SHA-256)")
  void otherKeyOtherDigest() {
    String keyed = digest(SECRET, "session", "How fast?", "volt");
    assertNotEquals(keyed, digest(OTHER_SECRET, "session", "How fast?", "volt"));
    assertNotEquals(keyed, digest(null, "session", "How fast?", "volt"));
  }

  @Test
  @DisplayName("parts are length-prefixed: (\"ab\",\"c\") and (\"a\",\"bc\") differ, and so do user, key and route moved into parts")
  void lengthPrefixed() {
    assertNotEquals(digest(SECRET, "ab", "c"), digest(SECRET, "a", "bc"));
    assertNotEquals(digest(SECRET, "a:b"), digest(SECRET, "a", "b"));
    IdempotencyKeys keys = new IdempotencyKeys(null, SECRET);
    assertNotEquals(keys.digest("u", "k", ROUTE, "x"), keys.digest("uk", "", ROUTE, "x"));
    assertNotEquals(keys.digest("u", "k", ROUTE), keys.digest("u", "k", Messages.IDEMPOTENCY_COMPLETIONS));
  }

  @Test
  @DisplayName("a null part is the same as an empty one (an absent agentId), but not the same as no part")
  void nullPart() {
    assertEquals(digest(SECRET, "session", "text", null), digest(SECRET, "session", "text", ""));
    assertNotEquals(digest(SECRET, "session", "text", ""), digest(SECRET, "session", "text"));
  }

  @Test
  @DisplayName("Idempotency-Key: absent is null; empty, blank, 256 characters or a control character is refused; 255 is taken, "
      + "counted in code points")
  void headerCheck() {
    assertNull(IdempotencyKeys.key(null));
    for (String bad : List.of("", "   ", "k".repeat(256), "a\tb", "a\nb", "a\u0007b", "a\u007fb", "a\u0085b", "a\u0000b")) {
      InvalidRequest refused = assertThrows(InvalidRequest.class, () -> IdempotencyKeys.key(bad), () -> "accepted: " + bad);
      assertEquals(IdempotencyKeys.HEADER, refused.errors().get(0).field(), refused::getMessage);
    }
    String longest = "k".repeat(255);
    assertEquals(longest, IdempotencyKeys.key(longest));
    String astral = "\uD83C\uDFC3".repeat(255); // 255 runners: 510 UTF-16 units, 255 characters
    assertEquals(astral, IdempotencyKeys.key(astral));
    assertThrows(InvalidRequest.class, () -> IdempotencyKeys.key(astral + "k"));
    assertThrows(InvalidRequest.class, () -> IdempotencyKeys.key("\uD83C"), "a lone surrogate");
  }
}
