package io.genesis.gateway.ratelimit;

import io.genesis.gateway.ratelimit.Decision.Source;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared sliding log: one Redis sorted set per caller ({@code genesis:ratelimit:<key>}), each
 * admitted request a member scored by Redis's own clock in milliseconds, and a Lua script that
 * trims, counts, admits and logs in ONE atomic step.
 *
 * <p>Why a sorted-set log and not a counter: it is exact. A request is admitted only if fewer than
 * {@code limit} admitted requests have a score in {@code (now - window, now]}; so for any N+1
 * admitted requests, the last one saw the first one already out of the window: never more than N in
 * any window, whatever the concurrency (Redis runs scripts one at a time) and however many gateways
 * (they all read one clock, Redis's {@code TIME}, so their own clocks may drift). The "sliding window
 * counter" (two fixed buckets, weighted) is O(1) per caller but only approximates this, and a fixed
 * window lets 2N through around a boundary. The price is O(N) members per active caller (a few KB at
 * the default 100), expiring with the window.
 *
 * <p>{@link #load} runs {@code SCRIPT LOAD} at start, before the gateway serves, so a first burst
 * does not meet an empty script cache. Called with {@code EVALSHA}; when Redis does not know the
 * script anyway (restart, {@code SCRIPT FLUSH}, failover) the {@code NOSCRIPT} error is answered by
 * one {@code EVAL}, which also caches it again. A decision is not bounded here: the limiter bounds
 * its wait and still learns the late answer (see {@link RateLimiter}).
 */
final class RedisWindows implements RemoteWindows {
  static final String KEY_PREFIX = io.genesis.common.redis.RedisKeys.RATE_LIMIT_PREFIX;

  /**
   * KEYS[1] the caller's log; ARGV[1] limit, ARGV[2] window in ms, ARGV[3] a unique member.
   * Returns {admitted 1|0, remaining, ms until the oldest logged request leaves the window}.
   * Times are whole milliseconds (13 digits): Lua's number-to-string keeps them exact.
   */
  static final String SCRIPT = String.join("\n",
      "if redis.replicate_commands then redis.replicate_commands() end",
      "local limit = tonumber(ARGV[1])",
      "local window = tonumber(ARGV[2])",
      "local t = redis.call('TIME')",
      "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)",
      "local count = redis.call('ZCARD', KEYS[1])",
      "local admitted = 0",
      "if count < limit then",
      "  redis.call('ZADD', KEYS[1], now, ARGV[3])",
      "  redis.call('PEXPIRE', KEYS[1], window)",
      "  count = count + 1",
      "  admitted = 1",
      "end",
      "local reset = window",
      "local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')",
      "if oldest[2] then reset = tonumber(oldest[2]) + window - now end",
      "return {admitted, math.max(limit - count, 0), reset}");

  private final RedisAPI redis;
  private final String sha;
  private final String memberPrefix;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param sha {@link #sha1(String)} of {@link #SCRIPT}, computed off the event loop
   * @param memberPrefix unique to this client (e.g. random), so that members never collide
   */
  RedisWindows(RedisAPI redis, String sha, String memberPrefix) {
    this.redis = redis;
    this.sha = sha;
    this.memberPrefix = memberPrefix;
  }

  @Override
  public Future<Decision> acquire(String key, int limit, long windowMillis) {
    List<String> keysAndArgs = List.of("1", KEY_PREFIX + key, Integer.toString(limit), Long.toString(windowMillis),
        memberPrefix + Long.toString(sequence.incrementAndGet(), 36));
    return redis.evalsha(with(sha, keysAndArgs))
        .recover(failure -> isNoScript(failure) ? redis.eval(with(SCRIPT, keysAndArgs)) : Future.failedFuture(failure))
        .map(reply -> decision(reply, limit));
  }

  @Override
  public Future<Void> load(long timeout) {
    return redis.script(List.of("LOAD", SCRIPT)).timeout(timeout, TimeUnit.MILLISECONDS).compose(loaded ->
        sha.equals(loaded.toString()) ? Future.succeededFuture()
            : Future.failedFuture("SCRIPT LOAD answered " + loaded + ", expected " + sha));
  }

  @Override
  public Future<Void> ping(long timeout) {
    return redis.ping(List.of()).timeout(timeout, TimeUnit.MILLISECONDS).mapEmpty();
  }

  private static Decision decision(Response reply, int limit) {
    return new Decision(reply.get(0).toInteger() == 1, limit, reply.get(1).toInteger(), reply.get(2).toLong(), Source.REDIS);
  }

  private static boolean isNoScript(Throwable failure) {
    String message = failure.getMessage();
    return message != null && message.startsWith("NOSCRIPT");
  }

  private static List<String> with(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** Hex SHA-1, as {@code EVALSHA} wants it. Loads a JCA provider on first use: call it off the event loop. */
  static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
