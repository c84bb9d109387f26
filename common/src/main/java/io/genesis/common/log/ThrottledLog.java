package io.genesis.common.log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A log line per kind of failure at most once a second, with how many were left out since the last
 * one: under overload a line per failed request makes logging part of the load. The kind is the
 * format string (a fixed set in the code, so the map stays small). Safe from any thread.
 */
public final class ThrottledLog {
  static final long WINDOW_MILLIS = 1_000;

  private final Consumer<String> sink;
  private final LongSupplier clockMillis;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  ThrottledLog(Consumer<String> sink, LongSupplier clockMillis) {
    this.sink = sink;
    this.clockMillis = clockMillis;
  }

  /** Warnings of {@code log}, at most one line a second per format. */
  public static ThrottledLog warn(Logger log) {
    return new ThrottledLog(log::warn, System::currentTimeMillis);
  }

  /** Writes the line now, or counts it when a line of this format was written less than a second ago. */
  public void log(String format, Object... args) {
    long now = clockMillis.getAsLong();
    long left = windows.computeIfAbsent(format, f -> new Window()).admit(now);
    if (left < 0) {
      return;
    }
    String line = MessageFormatter.arrayFormat(format, args).getMessage();
    sink.accept(left == 0 ? line : line + " (" + left + " more like it left out in the last second)");
  }

  private static final class Window {
    private long lastWritten = Long.MIN_VALUE;
    private long leftOut;

    /** -1: count it and write nothing; otherwise write, reporting this many left out. */
    synchronized long admit(long now) {
      if (lastWritten != Long.MIN_VALUE && now - lastWritten < WINDOW_MILLIS) {
        leftOut++;
        return -1;
      }
      long left = leftOut;
      leftOut = 0;
      lastWritten = now;
      return left;
    }
  }
}
