package io.genesis.agent.coach.calc;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** Number formatting for replies: {@code 1,780}, {@code 116.7}, {@code 06:30}, {@code 7 h 30 min}. */
public final class Fmt {
  private Fmt() {}

  /** Whole number with thousands separators. */
  public static String grouped(long value) {
    return String.format(Locale.US, "%,d", value);
  }

  /** At most {@code decimals} decimals (half up), no trailing zeros: 80.0 → "80", 79.83 → "79.8". */
  public static String decimal(double value, int decimals) {
    BigDecimal rounded = BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
    return rounded.scale() < 0 ? rounded.setScale(0).toPlainString() : rounded.toPlainString();
  }

  /** A time of day from minutes since midnight (any integer, wrapped): 1395 → "23:15", -30 → "23:30". */
  public static String clock(int minutesOfDay) {
    int m = Math.floorMod(minutesOfDay, 24 * 60);
    return String.format(Locale.ROOT, "%02d:%02d", m / 60, m % 60);
  }

  /** A duration: 450 → "7 h 30 min", 540 → "9 h", 45 → "45 min". */
  public static String duration(int minutes) {
    int h = minutes / 60;
    int m = minutes % 60;
    if (h == 0) {
      return m + " min";
    }
    return m == 0 ? h + " h" : h + " h " + m + " min";
  }

  /** Minutes and seconds from seconds: 300 → "5:00", 3725 → "1:02:05". */
  public static String minSec(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
  }

  /** "a", "a and b", "a, b and c". */
  public static String joinAnd(List<String> items) {
    if (items.size() <= 1) {
      return items.isEmpty() ? "" : items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
  }
}
