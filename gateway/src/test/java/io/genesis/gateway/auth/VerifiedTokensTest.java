package io.genesis.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The cache of verified tokens")
class VerifiedTokensTest {
  private static final long START = 1_700_000_000_000L;
  private static final Caller ALICE = new Caller("alice", List.of("user"));

  private final MutableClock clock = new MutableClock(START);
  private final VerifiedTokens cache = new VerifiedTokens(1_000, clock);

  @Test
  @DisplayName("an entry never outlives the token's exp")
  void expiresWithTheToken() {
    cache.put("token-a", ALICE, START / 1000 + 3);
    assertEquals(ALICE, cache.get("token-a"));
    clock.advance(Duration.ofMillis(2_999));
    assertEquals(ALICE, cache.get("token-a"), "still valid a millisecond before exp");
    clock.advance(Duration.ofMillis(1));
    assertNull(cache.get("token-a"), "gone at exp");
    assertEquals(0, cache.size(), "and evicted, not just hidden");
  }

  @Test
  @DisplayName("a token with a far exp is still verified again after the maximum age")
  void maximumAge() {
    cache.put("token-a", ALICE, START / 1000 + 86_400);
    clock.advance(Duration.ofMillis(VerifiedTokens.MAX_AGE_MILLIS - 1));
    assertEquals(ALICE, cache.get("token-a"));
    clock.advance(Duration.ofMillis(1));
    assertNull(cache.get("token-a"));
  }

  @Test
  @DisplayName("an expired token is not stored")
  void expiredNotStored() {
    cache.put("token-a", ALICE, START / 1000);
    cache.put("token-b", ALICE, START / 1000 - 60);
    assertNull(cache.get("token-a"));
    assertNull(cache.get("token-b"));
    assertEquals(0, cache.size());
  }

  @Test
  @DisplayName("keyed by the whole token: one character more, less or changed is a miss")
  void wholeTokenKey() {
    String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    cache.put(token, ALICE, START / 1000 + 60);
    assertEquals(ALICE, cache.get(token));
    assertNull(cache.get(token.substring(0, token.length() - 1)));
    assertNull(cache.get(token + "x"));
    assertNull(cache.get(token.substring(0, token.length() - 1) + "f"));
    assertNull(cache.get(token.substring(0, token.indexOf('.'))), "a prefix is no key");
  }

  @Test
  @DisplayName("bounded")
  void bounded() {
    VerifiedTokens small = new VerifiedTokens(10, clock);
    for (int i = 0; i < 200; i++) {
      small.put("token-" + i, ALICE, START / 1000 + 60);
    }
    assertTrue(small.size() <= 10, () -> "size " + small.size());
  }
}
