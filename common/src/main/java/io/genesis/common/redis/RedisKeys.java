package io.genesis.common.redis;

/**
 * Redis key formats that more than one module needs: the gateway writes the rate-limit windows, the
 * session service erases a user's window with the rest of their data.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** Prefix of every rate-limit window (a sorted set per caller key). */
  public static final String RATE_LIMIT_PREFIX = "genesis:ratelimit:";

  /** The limiter's caller key of a user (HTTP requests and WebSocket frames share it). */
  public static String rateLimitUserKey(String userId) {
    return "user:" + userId;
  }

  /** The Redis key of a user's rate-limit window, e.g. {@code genesis:ratelimit:user:u1}. */
  public static String rateLimitUserWindow(String userId) {
    return RATE_LIMIT_PREFIX + rateLimitUserKey(userId);
  }

  /** Prefix of the event journals of streamed replies (a Redis Stream per reply, kept a while after it ends). */
  public static final String REPLY_EVENTS_PREFIX = "genesis:reply:";

  /**
   * The journal of one reply, {@code genesis:reply:<replyId>}: entry {@code 0-N} is its event N, encrypted
   * with the key, the user and N as associated data (another user's journal does not decrypt).
   */
  public static String replyEvents(String replyId) {
    return REPLY_EVENTS_PREFIX + replyId;
  }

  /** Set for a few seconds by each gateway following a reply for a resumed client: the reply keeps generating. */
  public static String replyWatched(String replyId) {
    return "genesis:reply-watch:" + replyId;
  }
}
