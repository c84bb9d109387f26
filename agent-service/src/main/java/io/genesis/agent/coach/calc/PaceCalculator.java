package io.genesis.agent.coach.calc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pace and speed from a distance ("10 km", "5k", "3 miles", "half marathon") and a time ("50:00", "1h 45m"). */
final class PaceCalculator implements Calculator {
  static final String NAME = "pace";
  static final double KM_PER_MILE = 1.609344;

  private static final Pattern DISTANCE = Pattern.compile(
      "(?<![\\d.:])(\\d{1,3}(?:\\.\\d+)?)\\s*(km|k|kilomet(?:er|re)s?|mi|miles?)(?![a-z])");
  private static final Pattern HALF = Pattern.compile("\\bhalf[ -]marathon\\b");
  private static final Pattern FULL = Pattern.compile("\\bmarathon\\b");
  private static final Pattern HMS = Pattern.compile("(?<![\\d:])(\\d{1,2}):([0-5]\\d):([0-5]\\d)(?![\\d:])");
  private static final Pattern H_AND_M = Pattern.compile(
      "(?<![\\d.])(\\d{1,2})\\s*h(?:ours?|rs?)?\\s*(?:and\\s*)?(\\d{1,2})\\s*m(?:in(?:ute)?s?)?(?![a-z])");
  private static final Pattern MS = Pattern.compile("(?<![\\d:])(\\d{1,3}):([0-5]\\d)(?![\\d:])");
  private static final Pattern MINUTES = Pattern.compile("(?<![\\d.])(\\d{1,3}(?:\\.\\d+)?)\\s*(?:min|mins|minutes)\\b");
  private static final Pattern HOURS = Pattern.compile("(?<![\\d.])(\\d{1,2}(?:\\.\\d+)?)\\s*(?:h|hr|hrs|hours?)\\b");
  private static final Pattern ASKS = Pattern.compile("\\bpace\\b|\\bsplits?\\b|min/km|per km|per mile|how fast");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    OptionalDouble km = distanceKm(text);
    OptionalLong seconds = durationSeconds(text);
    if (km.isPresent() && seconds.isPresent() && km.getAsDouble() > 0 && seconds.getAsLong() > 0) {
      return Optional.of(Calculation.result(NAME, describe(km.getAsDouble(), seconds.getAsLong())));
    }
    if (!ASKS.matcher(text).find()) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    if (km.isEmpty()) {
      missing.add("the distance (e.g. 10 km or 3 miles)");
    }
    if (seconds.isEmpty()) {
      missing.add("the time (e.g. 50:00 or 1h 45m)");
    }
    return Optional.of(Calculation.needs(NAME, "your pace", missing));
  }

  static OptionalDouble distanceKm(String text) {
    Matcher m = DISTANCE.matcher(text);
    if (m.find()) {
      double value = Texts.number(m.group(1));
      return OptionalDouble.of(m.group(2).startsWith("mi") ? value * KM_PER_MILE : value);
    }
    if (HALF.matcher(text).find()) {
      return OptionalDouble.of(21.0975);
    }
    return FULL.matcher(text).find() ? OptionalDouble.of(42.195) : OptionalDouble.empty();
  }

  static OptionalLong durationSeconds(String text) {
    Matcher m = HMS.matcher(text);
    if (m.find()) {
      return OptionalLong.of(Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3)));
    }
    m = H_AND_M.matcher(text);
    if (m.find()) {
      return OptionalLong.of(Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60);
    }
    m = MS.matcher(text);
    if (m.find()) {
      return OptionalLong.of(Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2)));
    }
    m = MINUTES.matcher(text);
    if (m.find()) {
      return OptionalLong.of(Math.round(Texts.number(m.group(1)) * 60));
    }
    m = HOURS.matcher(text);
    return m.find() ? OptionalLong.of(Math.round(Texts.number(m.group(1)) * 3600)) : OptionalLong.empty();
  }

  private static String describe(double km, long seconds) {
    long perKm = Math.round(seconds / km);
    long perMile = Math.round(seconds / km * KM_PER_MILE);
    double kmh = km / (seconds / 3600.0);
    return Fmt.decimal(km, 2) + " km in " + Fmt.minSec(seconds) + " \u2192 pace " + Fmt.minSec(perKm)
        + " min/km (" + Fmt.minSec(perMile) + " min/mile), " + Fmt.decimal(kmh, 1) + " km/h.";
  }
}
