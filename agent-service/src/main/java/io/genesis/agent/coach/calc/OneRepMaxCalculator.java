package io.genesis.agent.coach.calc;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimated one-repetition maximum by Epley, {@code 1RM = w × (1 + reps / 30)}, from a set such as
 * "100kg x 5", "225 lb for 3" or "5 reps at 100 kg", with working weights at 90, 80 and 70 %.
 */
final class OneRepMaxCalculator implements Calculator {
  static final String NAME = "one-rep-max";

  private static final String UNIT = "(kgs?|lbs?|pounds?)";
  private static final Pattern WEIGHT_X_REPS = Pattern.compile(
      "(?<![\\d.])(\\d{2,3}(?:\\.\\d+)?)\\s*" + UNIT + "?\\s*(?:x|\\*|for)\\s*(\\d{1,2})(?![\\d.])");
  private static final Pattern REPS_AT_WEIGHT = Pattern.compile(
      "(?<![\\d.])(\\d{1,2})\\s*reps?\\s*(?:at|with|of|@)\\s*(\\d{2,3}(?:\\.\\d+)?)\\s*" + UNIT + "?");
  private static final Pattern ASKS = Pattern.compile("\\b(?:1rm|one[ -]rep(?:etition)? max|rep max|max lift"
      + "|estimated max|my max)\\b");
  static final int[] PERCENTAGES = {90, 80, 70};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    Matcher m = WEIGHT_X_REPS.matcher(text);
    if (m.find()) {
      return Optional.of(estimate(Texts.number(m.group(1)), m.group(2), Integer.parseInt(m.group(3))));
    }
    m = REPS_AT_WEIGHT.matcher(text);
    if (m.find()) {
      return Optional.of(estimate(Texts.number(m.group(2)), m.group(3), Integer.parseInt(m.group(1))));
    }
    if (ASKS.matcher(text).find()) {
      return Optional.of(Calculation.needs(NAME, "your one-rep max",
          List.of("the weight and reps of a hard set (e.g. 100 kg x 5)")));
    }
    return Optional.empty();
  }

  /** Epley: w × (1 + reps/30); one rep is the max itself. */
  static double epley(double weight, int reps) {
    return reps <= 1 ? weight : weight * (1 + reps / 30.0);
  }

  private static Calculation estimate(double weight, String unitGiven, int reps) {
    if (reps < 1 || reps > 30) {
      return Calculation.needs(NAME, "your one-rep max", List.of("a set of 1 to 30 reps (e.g. 100 kg x 5)"));
    }
    boolean pounds = unitGiven != null && (unitGiven.startsWith("lb") || unitGiven.startsWith("pound"));
    String unit = pounds ? "lb" : "kg";
    double step = pounds ? 5 : 2.5;
    double max = epley(weight, reps);
    StringBuilder text = new StringBuilder("Estimated 1RM " + Fmt.decimal(max, 1) + " " + unit + " (Epley: "
        + Fmt.decimal(weight, 1) + " " + unit + " \u00d7 (1 + " + reps + "/30)).");
    text.append(" Working weights, rounded to ").append(Fmt.decimal(step, 1)).append(' ').append(unit).append(':');
    for (int i = 0; i < PERCENTAGES.length; i++) {
      double load = Math.round(max * PERCENTAGES[i] / 100.0 / step) * step;
      text.append(i == 0 ? " " : ", ").append(PERCENTAGES[i]).append(" % ").append(Fmt.decimal(load, 1))
          .append(' ').append(unit);
    }
    text.append('.');
    if (reps > 10) {
      text.append(" Past about 10 reps any 1RM formula drifts, so treat this as a rough guide.");
    }
    if (unitGiven == null) {
      text.append(" (No unit given, so I read it as kg.)");
    }
    return Calculation.result(NAME, text.toString());
  }
}
