package io.genesis.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;

/**
 * The in-process sliding logs, one per caller key, shared by every gateway verticle of the process.
 *
 * <p>Bounded memory: at most {@code maxKeys} callers (least recently used first out), each log
 * dropped after a window without requests (by then all its entries have expired anyway), and each
 * log at most {@code limit} longs, grown only as the caller's traffic needs. A caller evicted for
 * size loses its local history: with Redis up that only costs a Redis round trip; with Redis down it
 * could let that caller start a fresh local window, which is why the bound is generous.
 */
final class LocalWindows {
  private final Cache<String, SlidingLog> logs;
  private final int limit;
  private final long windowNanos;
  private final Ticker ticker;

  LocalWindows(int limit, Duration window, long maxKeys, Ticker ticker) {
    this.limit = limit;
    this.windowNanos = window.toNanos();
    this.ticker = ticker;
    this.logs = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(window).ticker(ticker).build();
  }

  long now() {
    return ticker.read();
  }

  int limit() {
    return limit;
  }

  long windowMillis() {
    return windowNanos / 1_000_000;
  }

  /** A {@code 429} known locally (see {@link SlidingLog#fastPath}), or null: ask Redis. */
  Decision fastPath(String key, long now) {
    SlidingLog log = logs.getIfPresent(key);
    return log == null ? null : log.fastPath(now, limit, windowNanos);
  }

  /** The local decision, used while Redis is unreachable. */
  Decision acquire(String key, long now) {
    return logs.get(key, k -> new SlidingLog()).acquire(now, limit, windowNanos);
  }

  /** Remembers what Redis decided for a request sent at {@code sentAt}. */
  void record(String key, long sentAt, Decision remote) {
    if (remote.allowed() || remote.remaining() <= 0) {
      logs.get(key, k -> new SlidingLog()).record(sentAt, remote, limit, windowNanos);
    }
  }

  /** Keys held now (after pending evictions ran). */
  long keys() {
    logs.cleanUp();
    return logs.estimatedSize();
  }
}
