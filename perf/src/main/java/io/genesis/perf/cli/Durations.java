package io.genesis.perf.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as load testers write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or bare seconds. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h)?");

  private Durations() {}

  public static Duration parse(String name, String text) {
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(name + " must be a duration like 500ms, 30s, 2m or 1h, got '" + text + "'");
    }
    double amount = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    double nanos = switch (unit) {
      case "us" -> amount * 1e3;
      case "ms" -> amount * 1e6;
      case "s" -> amount * 1e9;
      case "m" -> amount * 60e9;
      default -> amount * 3600e9;
    };
    return Duration.ofNanos(Math.round(nanos));
  }

}
