package io.genesis.gateway.ratelimit;

/**
 * One rate-limit decision for one request.
 *
 * @param allowed whether the request may proceed
 * @param limit the requests allowed per window
 * @param remaining the requests still allowed in the window after this one
 * @param resetMillis milliseconds until the oldest request counted in the window leaves it, i.e.
 *     until one more slot frees (for a denied request: the earliest a retry can succeed)
 * @param source who decided
 */
public record Decision(boolean allowed, int limit, int remaining, long resetMillis, Source source) {

  /** Who took the decision. */
  public enum Source {
    /** The shared Lua script in Redis: the exact, cross-instance answer. */
    REDIS,
    /** This process already knew the caller is over the limit: a {@code 429} without a Redis round trip. */
    LOCAL_FAST_PATH,
    /** Redis was unreachable: this process's own sliding log decided (per instance, not shared). */
    LOCAL_FALLBACK,
    /**
     * No decision: Redis did not answer in time (its answer may still come and count the request),
     * or failed without proving it is down. The request is not admitted: a {@code 503}, retry soon.
     */
    UNDECIDED
  }

  /** How long a caller refused with {@link Source#UNDECIDED} is told to wait. */
  static final long UNDECIDED_RETRY_MILLIS = 1_000;

  static Decision undecided(int limit) {
    return new Decision(false, limit, 0, UNDECIDED_RETRY_MILLIS, Source.UNDECIDED);
  }

  /** Neither admitted nor over the limit: the limit could not be checked. */
  public boolean undecided() {
    return source == Source.UNDECIDED;
  }

  /** {@code RateLimit-Reset} and {@code Retry-After}: whole seconds, rounded up, at least 1. */
  public long resetSeconds() {
    return Math.max(1, (resetMillis + 999) / 1000);
  }

  Decision from(Source other) {
    return new Decision(allowed, limit, remaining, resetMillis, other);
  }
}
