package io.genesis.gateway.ratelimit;

import io.genesis.gateway.ratelimit.Decision.Source;

/**
 * One caller's sliding log in this process: the times (ticker nanoseconds, oldest first) of the
 * requests admitted in the last window, plus "over the limit until T" learned from Redis.
 *
 * <p>It serves two purposes. With Redis up it only ever <em>denies</em> (the fast path): it holds a
 * subset of what Redis counts, each entry stamped no later than Redis stamped it, so "full here"
 * implies "full in Redis". With Redis down it is the limiter itself, with the same algorithm as the
 * Lua script: admit when fewer than {@code limit} entries are younger than the window.
 *
 * <p>Memory: a ring of longs that grows by doubling only as far as the caller's recent traffic
 * needs, never past {@code limit}. Every method is {@code synchronized}: gateway verticles on
 * several event loops share one log per caller, and each call holds the lock for a few array
 * operations (a monitor, not a parking lock).
 */
final class SlidingLog {
  private static final int INITIAL_CAPACITY = 4;

  private long[] times = new long[INITIAL_CAPACITY];
  private int head;
  private int size;
  private boolean blocked;
  private long blockedUntil;

  /** A denial when this log alone proves the caller is over the limit; null when only Redis can tell. */
  synchronized Decision fastPath(long now, int limit, long window) {
    evict(now, window);
    if (blocked && now - blockedUntil < 0) {
      return denied(limit, reset(blockedUntil - now, window), Source.LOCAL_FAST_PATH);
    }
    blocked = false;
    if (size >= limit) {
      return denied(limit, reset(at(0) + window - now, window), Source.LOCAL_FAST_PATH);
    }
    return null;
  }

  /** The local decision (Redis unreachable): admit and log {@code now} if the window has room. */
  synchronized Decision acquire(long now, int limit, long window) {
    Decision known = fastPath(now, limit, window);
    if (known != null) {
      return known.from(Source.LOCAL_FALLBACK);
    }
    insert(now, limit);
    return new Decision(true, limit, limit - size, reset(at(0) + window - now, window), Source.LOCAL_FALLBACK);
  }

  /**
   * Learns from a Redis decision for a request sent at {@code sentAt}: an admission is logged at
   * {@code sentAt} (no later than Redis logged it, so it leaves this log no later than Redis's), and
   * a full window ({@code remaining == 0}) blocks the caller until {@code sentAt + reset}, which is
   * no later than the moment Redis frees a slot. Either way the fast path never denies a request
   * that Redis would have admitted.
   */
  synchronized void record(long sentAt, Decision remote, int limit, long window) {
    evict(sentAt, window);
    if (remote.allowed()) {
      insert(sentAt, limit);
    }
    if (remote.remaining() <= 0) {
      long until = sentAt + remote.resetMillis() * 1_000_000L;
      if (!blocked || until - blockedUntil > 0) {
        blocked = true;
        blockedUntil = until;
      }
    }
  }

  synchronized int size() {
    return size;
  }

  private void evict(long now, long window) {
    while (size > 0 && now - times[head] >= window) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** Inserts in time order (responses may come back out of order); when full, the oldest goes. */
  private void insert(long time, int limit) {
    if (size == times.length && times.length < limit) {
      grow(Math.min(limit, times.length * 2));
    }
    if (size == times.length) {
      if (time - at(0) < 0) {
        return;
      }
      head = (head + 1) % times.length;
      size--;
    }
    int position = size;
    while (position > 0 && at(position - 1) - time > 0) {
      set(position, at(position - 1));
      position--;
    }
    set(position, time);
    size++;
  }

  private void grow(int capacity) {
    long[] larger = new long[capacity];
    for (int i = 0; i < size; i++) {
      larger[i] = at(i);
    }
    times = larger;
    head = 0;
  }

  private long at(int index) {
    return times[(head + index) % times.length];
  }

  private void set(int index, long value) {
    times[(head + index) % times.length] = value;
  }

  private static Decision denied(int limit, long resetMillis, Source source) {
    return new Decision(false, limit, 0, resetMillis, source);
  }

  /**
   * Nanoseconds to milliseconds, rounded up so that a retry after the reset finds the slot free, and
   * never more than a window: callers on other event loops read the clock a little before taking the
   * lock, so an entry logged by another thread may be a few microseconds younger than {@code now}.
   */
  private static long reset(long nanos, long window) {
    return Math.max(1, (Math.min(nanos, window) + 999_999) / 1_000_000);
  }
}
