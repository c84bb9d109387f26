package io.genesis.perf.cli;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options (a name may repeat, e.g. {@code --threshold}) and bare {@code --flag}s.
 * Each reader marks its option as used; {@link #rejectUnused()} names any option no one asked for,
 * so a typo fails the run instead of silently running with a default.
 */
public final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final Set<String> used = new HashSet<>();

  private Args() {}

  /** Parses {@code args}; {@code flagNames} take no value. */
  public static Args parse(List<String> args, Set<String> flagNames) {
    Args parsed = new Args();
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (!name.startsWith("--")) {
        throw new IllegalArgumentException("unexpected '" + name + "'");
      }
      if (flagNames.contains(name)) {
        parsed.flags.add(name);
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      parsed.values.computeIfAbsent(name, n -> new ArrayList<>()).add(args.get(++i));
    }
    return parsed;
  }

  public boolean has(String name) {
    used.add(name);
    return values.containsKey(name) || flags.contains(name);
  }

  public boolean flag(String name) {
    used.add(name);
    return flags.contains(name);
  }

  public String string(String name, String fallback) {
    used.add(name);
    List<String> given = values.get(name);
    return given == null ? fallback : given.get(given.size() - 1);
  }

  public List<String> all(String name) {
    used.add(name);
    return values.getOrDefault(name, List.of());
  }

  public int integer(String name, int fallback, int min) {
    String text = string(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.replace("_", "").replace(",", ""));
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
  }

  public double number(String name, double fallback, double min) {
    String text = string(name, null);
    if (text == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(text);
      if (!(value >= min) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + text + "'");
    }
  }

  public Duration duration(String name, Duration fallback) {
    String text = string(name, null);
    return text == null ? fallback : Durations.parse(name, text);
  }

  /** A fraction from {@code 1%} or {@code 0.01}. */
  public double ratio(String name, double fallback) {
    String text = string(name, null);
    if (text == null) {
      return fallback;
    }
    double value;
    try {
      value = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100 : Double.parseDouble(text);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be a ratio from 0% to 100% (or 0 to 1), got '" + text + "'");
    }
    return value;
  }

  /**
   * {@code --target}: required, an {@code http://} or {@code https://} URL of any host (load testers
   * drive their staging; the project's own tests and scripts send only to loopback).
   */
  public URI target() {
    String text = string("--target", null);
    if (text == null) {
      throw new IllegalArgumentException("--target URL is required, e.g. http://127.0.0.1:8080 or https://staging.example:443");
    }
    URI target;
    try {
      target = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--target is not a URL: '" + text + "'");
    }
    if (target.getHost() == null || !("http".equals(target.getScheme()) || "https".equals(target.getScheme()))) {
      throw new IllegalArgumentException("--target must be an http:// or https:// URL, got '" + text + "'");
    }
    return target;
  }

  /** Fails naming the options no reader asked for. */
  public void rejectUnused() {
    List<String> unknown = new ArrayList<>();
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        unknown.add(name);
      }
    }
    for (String name : flags) {
      if (!used.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
          + " for this command");
    }
  }
}
