package io.genesis.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Tokens already verified, so a client's next requests skip the signature check. Keyed by the
 * SHA-256 of the whole token (a token differing in any byte, signature included, is another key;
 * the cache never holds the tokens themselves), bounded, and each entry gone by the token's
 * {@code exp} (or {@link #MAX_AGE_MILLIS}, whichever comes first, so withdrawn keys stop counting).
 * Time comes from the given clock, which also drives Caffeine's expiry, so tests can move it.
 */
final class VerifiedTokens {
  static final long MAX_AGE_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private record Entry(Caller caller, long expiresAtMillis) {}

  private final Cache<String, Entry> cache;
  private final Clock clock;

  VerifiedTokens(long maximumSize, Clock clock) {
    this.clock = clock;
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(Expiry.<String, Entry>creating((key, entry) ->
            Duration.ofMillis(Math.max(0, entry.expiresAtMillis() - clock.millis()))))
        // Eviction work on the calling thread: no hand-off to the common ForkJoinPool.
        .executor(Runnable::run)
        .build();
  }

  /** The caller of a token verified before and not yet expired, or null. */
  Caller get(String token) {
    Entry entry = cache.getIfPresent(key(token));
    // Caffeine drops expired entries lazily; the explicit check makes "never past exp" exact.
    return entry != null && clock.millis() < entry.expiresAtMillis() ? entry.caller() : null;
  }

  void put(String token, Caller caller, long expSeconds) {
    long expiresAt = Math.min(TimeUnit.SECONDS.toMillis(expSeconds), clock.millis() + MAX_AGE_MILLIS);
    if (expiresAt > clock.millis()) {
      cache.put(key(token), new Entry(caller, expiresAt));
    }
  }

  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private static String key(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
