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

  /**
   * One atomic step: a {@code 429} known locally (see {@link SlidingLog#fastPath}), or null after
   * reserving an entry for a request about to be sent to Redis (see {@link SlidingLog#reserve}).
   */
  Decision reserve(String key, long now) {
    return logs.get(key, k -> new SlidingLog()).reserve(now, limit, windowNanos);
  }

  /** The local decision, used while Redis is unreachable. */
  Decision acquire(String key, long now) {
    return logs.get(key, k -> new SlidingLog()).acquire(now, limit, windowNanos);
  }

  /** Admits locally a request that reserved its entry but whose Redis call could not be sent. */
  Decision admitReserved(String key, long now) {
    return logs.get(key, k -> new SlidingLog()).admittedAt(now, limit, windowNanos);
  }

  /** Learns what Redis decided, in time or late, for the request that reserved {@code sentAt}. */
  void settle(String key, long sentAt, Decision remote) {
    SlidingLog log = logs.getIfPresent(key);
    if (log != null) {
      log.settle(sentAt, remote, limit, windowNanos);
    }
  }

  /** Keys held now (after pending evictions ran). */
  long keys() {
    logs.cleanUp();
    return logs.estimatedSize();
  }
}
