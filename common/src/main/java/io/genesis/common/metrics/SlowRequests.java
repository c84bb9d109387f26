package io.genesis.common.metrics;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The slowest recent requests: the {@link #CAPACITY} slowest of the current window and of the one
 * before it (windows of {@link #WINDOW_MILLIS}), so "recent" means the last 5 to 10 minutes. Most
 * requests are turned away by one volatile read: only one slower than the slowest kept takes the lock.
 */
public final class SlowRequests {
  public static final int CAPACITY = 50;
  static final long WINDOW_MILLIS = 300_000;
  private static final Comparator<RequestRecord> FASTEST_FIRST = Comparator.comparingLong(RequestRecord::durationNanos);

  private PriorityQueue<RequestRecord> current = new PriorityQueue<>(FASTEST_FIRST);
  private List<RequestRecord> previous = List.of();
  private volatile long admitAboveNanos;
  private long windowEndsAt;

  public SlowRequests(long nowMillis) {
    this.windowEndsAt = nowMillis + WINDOW_MILLIS;
  }

  /** Whether a request this slow could be kept: callers skip building its record otherwise. */
  public boolean wouldKeep(long durationNanos) {
    return durationNanos > admitAboveNanos;
  }

  public synchronized void offer(RequestRecord record) {
    if (record.durationNanos() <= admitAboveNanos) {
      return;
    }
    current.add(record);
    if (current.size() > CAPACITY) {
      current.poll();
    }
    if (current.size() == CAPACITY) {
      admitAboveNanos = current.peek().durationNanos();
    }
  }

  /** Starts a new window once the current one has run its course. */
  public synchronized void rotate(long nowMillis) {
    if (nowMillis < windowEndsAt) {
      return;
    }
    previous = List.copyOf(current);
    current = new PriorityQueue<>(FASTEST_FIRST);
    admitAboveNanos = 0;
    windowEndsAt = nowMillis + WINDOW_MILLIS;
  }

  /** The slowest first, at most {@code limit}. */
  public synchronized JsonArray slowest(int limit) {
    List<RequestRecord> all = new ArrayList<>(current);
    all.addAll(previous);
    all.sort(FASTEST_FIRST.reversed());
    JsonArray out = new JsonArray();
    all.stream().limit(limit).forEach(record -> out.add(record.toJson()));
    return out;
  }
}
