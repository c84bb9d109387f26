package io.genesis.agent.coach.calc;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedtimes or wake times in whole 90-minute sleep cycles, allowing 15 minutes to fall asleep, from a
 * wake-up time ("wake at 6:30"), a bedtime ("bed at 11pm"), or both.
 */
final class SleepCalculator implements Calculator {
  static final String NAME = "sleep-cycles";
  static final int CYCLE_MIN = 90;
  static final int FALL_ASLEEP_MIN = 15;

  private static final String TIME = "(\\d{1,2})(?::([0-5]\\d))?\\s*(am|pm|a\\.m\\.|p\\.m\\.)?(?![\\d:])";
  private static final Pattern WAKE = Pattern.compile(
      "\\b(?:wake|waking|woke|get up|getting up|alarm|be up|up)(?:\\s*up)?(?:\\s*is)?\\s*(?:at|by|around|for)\\s*" + TIME);
  private static final Pattern BED = Pattern.compile(
      "\\b(?:bed|sleep|asleep|lights out|turn in|crash)\\s*(?:at|by|around)\\s*" + TIME);
  private static final Pattern ASKS = Pattern.compile("sleep cycles?|bedtime|when should i (?:go to )?(?:bed|sleep)"
      + "|what time should i (?:go to )?(?:bed|sleep)");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    OptionalInt wake = time(WAKE.matcher(text), false);
    OptionalInt bed = time(BED.matcher(text), true);
    if (wake.isPresent() && bed.isPresent()) {
      return Optional.of(Calculation.result(NAME, between(bed.getAsInt(), wake.getAsInt())));
    }
    if (wake.isPresent()) {
      return Optional.of(Calculation.result(NAME, bedtimesFor(wake.getAsInt())));
    }
    if (bed.isPresent()) {
      return Optional.of(Calculation.result(NAME, wakeTimesFor(bed.getAsInt())));
    }
    if (ASKS.matcher(text).find()) {
      return Optional.of(Calculation.needs(NAME, "your sleep cycles",
          List.of("your wake-up time (e.g. wake at 6:30) or your bedtime (e.g. bed at 23:00)")));
    }
    return Optional.empty();
  }

  /**
   * Minutes since midnight. Without am/pm a bedtime of 6 to 11 is read as evening and 12 as midnight;
   * a wake time is read on the 24-hour clock.
   */
  static OptionalInt time(Matcher m, boolean bedtime) {
    if (!m.find()) {
      return OptionalInt.empty();
    }
    int hour = Integer.parseInt(m.group(1));
    int minute = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    String meridiem = m.group(3);
    if (meridiem != null) {
      if (hour < 1 || hour > 12) {
        return OptionalInt.empty();
      }
      hour = hour % 12 + (meridiem.startsWith("p") ? 12 : 0);
    } else if (hour > 23) {
      return OptionalInt.empty();
    } else if (bedtime && hour >= 6 && hour <= 11) {
      hour += 12;
    } else if (bedtime && hour == 12) {
      hour = 0;
    }
    return OptionalInt.of(hour * 60 + minute);
  }

  private static String bedtimesFor(int wake) {
    StringBuilder text = new StringBuilder("To wake at " + Fmt.clock(wake) + " at the end of a cycle, lights out at");
    int[] cycles = {6, 5, 4};
    for (int i = 0; i < cycles.length; i++) {
      int lightsOut = wake - cycles[i] * CYCLE_MIN - FALL_ASLEEP_MIN;
      text.append(i == 0 ? " " : i == cycles.length - 1 ? " or " : ", ").append(Fmt.clock(lightsOut))
          .append(" (").append(cycles[i]).append(" cycles, ").append(Fmt.duration(cycles[i] * CYCLE_MIN)).append(')');
    }
    return text.append(" \u2014 90-minute cycles plus about 15 minutes to fall asleep.").toString();
  }

  private static String wakeTimesFor(int bed) {
    StringBuilder text = new StringBuilder("With lights out at " + Fmt.clock(bed) + ", set the alarm for");
    int[] cycles = {4, 5, 6};
    for (int i = 0; i < cycles.length; i++) {
      int wake = bed + FALL_ASLEEP_MIN + cycles[i] * CYCLE_MIN;
      text.append(i == 0 ? " " : i == cycles.length - 1 ? " or " : ", ").append(Fmt.clock(wake))
          .append(" (").append(cycles[i]).append(" cycles, ").append(Fmt.duration(cycles[i] * CYCLE_MIN)).append(')');
    }
    return text.append(" \u2014 90-minute cycles plus about 15 minutes to fall asleep.").toString();
  }

  private static String between(int bed, int wake) {
    int asleep = Math.floorMod(wake - bed, 24 * 60) - FALL_ASLEEP_MIN;
    if (asleep < CYCLE_MIN) {
      return "Between " + Fmt.clock(bed) + " and " + Fmt.clock(wake) + " there is not even one 90-minute cycle.";
    }
    double cycles = asleep / (double) CYCLE_MIN;
    int whole = (int) Math.max(1, Math.round(cycles));
    int lightsOut = wake - whole * CYCLE_MIN - FALL_ASLEEP_MIN;
    return "Lights out " + Fmt.clock(bed) + " to wake " + Fmt.clock(wake) + " gives about " + Fmt.duration(asleep)
        + " of sleep = " + Fmt.decimal(cycles, 1) + " cycles of 90 min (after ~15 min to fall asleep). "
        + (asleep % CYCLE_MIN == 0 ? "That ends right on a cycle." : "For " + whole
            + " full cycles, lights out at " + Fmt.clock(lightsOut) + ".");
  }
}
