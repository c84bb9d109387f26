package io.genesis.gateway.ratelimit;

import io.genesis.gateway.ratelimit.Decision.Source;

/**
 * One caller's sliding log in this process: the times (ticker nanoseconds, oldest first) of the
 * requests of the last window that this process admitted or may have had admitted, plus "over the
 * limit until T" learned from Redis.
 *
 * <p>A request takes its entry <em>before</em> it is sent to Redis ({@link #reserve}, one atomic
 * step with the check), and gives it back only when Redis answers that it denied it
 * ({@link #settle}); a call that failed or whose answer is late keeps it. So the log always holds
 * every request this process served in the window, plus those still in flight or of unknown fate,
 * and never more than {@code limit} entries. With Redis up the log only ever <em>denies</em> (the
 * fast path): its entries are Redis's admissions, or calls about to be counted there, so "full here"
 * means "full in Redis" up to the calls Redis is about to deny. With Redis unreachable it is the
 * limiter itself, with the same algorithm as the Lua script, and since it already counts every
 * request this process sent to Redis, this process alone never admits more than {@code limit}.
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
    Decision known = reserve(now, limit, window);
    return known != null ? known.from(Source.LOCAL_FALLBACK) : admittedAt(now, limit, window);
  }

  /**
   * Check and entry in one step: a denial when this log proves the caller over the limit, else null
   * after logging {@code now} for a request about to be sent to Redis.
   */
  synchronized Decision reserve(long now, int limit, long window) {
    Decision known = fastPath(now, limit, window);
    if (known == null) {
      insert(now, limit);
    }
    return known;
  }

  /** The local admission of a request that already holds its entry (its Redis call could not be sent). */
  synchronized Decision admittedAt(long now, int limit, long window) {
    evict(now, window);
    long oldest = size == 0 ? now : at(0);
    return new Decision(true, limit, Math.max(0, limit - size), reset(oldest + window - now, window), Source.LOCAL_FALLBACK);
  }

  /**
   * Learns Redis's answer, however late, for the request that reserved {@code sentAt}: a denial
   * gives the entry back (Redis did not count it); an admission keeps it (logged no later than
   * Redis logged it, so it leaves this log no later than Redis's); a full window
   * ({@code remaining == 0}) blocks the caller until {@code sentAt + reset}, which is no later than
   * the moment Redis frees a slot.
   */
  synchronized void settle(long sentAt, Decision remote, int limit, long window) {
    if (!remote.allowed()) {
      remove(sentAt);
    }
    evict(sentAt, window);
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

  /** Removes one entry logged at {@code time}, if the window still holds it. */
  private void remove(long time) {
    for (int i = 0; i < size; i++) {
      if (at(i) == time) {
        for (int j = i; j < size - 1; j++) {
          set(j, at(j + 1));
        }
        size--;
        return;
      }
    }
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
