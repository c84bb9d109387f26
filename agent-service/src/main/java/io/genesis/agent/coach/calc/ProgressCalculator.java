package io.genesis.agent.coach.calc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Progress toward a goal: {@code (start − current) / (start − target) × 100}, from "started at 90",
 * "now 84", "goal 80" (or "from 90 to 84 … target 80"). Works for goals that go up or down.
 */
final class ProgressCalculator implements Calculator {
  static final String NAME = "progress";

  private static final String NUM = "(\\d+(?:\\.\\d+)?)\\s*(kg|lbs?|%|km|min|reps)?";
  private static final Pattern START = Pattern.compile(
      "\\b(?:start(?:ed|ing)?(?:\\s*(?:at|from|weight|with|out at))?|began(?:\\s*at)?|was)\\s*(?::|=)?\\s*" + NUM);
  private static final Pattern CURRENT = Pattern.compile(
      "\\b(?:now(?:\\s*(?:at|i'm|i am|i'm at|i am at))?|current(?:ly)?(?:\\s*(?:at|weight))?|today|down to|up to)"
          + "\\s*(?::|=|is)?\\s*" + NUM);
  private static final Pattern TARGET = Pattern.compile(
      "\\b(?:goal|target|aim(?:ing)?(?:\\s*for)?|want to (?:reach|hit|get to|be)|to reach|to hit)"
          + "(?:\\s*weight)?\\s*(?:is|of|:|=|at)?\\s*" + NUM);
  private static final Pattern FROM_TO = Pattern.compile("\\bfrom\\s*" + NUM + "\\s*to\\s*" + NUM);
  private static final Pattern ASKS = Pattern.compile("progress|how far|how close|percent|%");

  /** A number and its unit as written ("84 kg"). */
  record Figure(double value, String unit) {
    String show() {
      return Fmt.decimal(value, 1) + (unit == null ? "" : unit.equals("%") ? " %" : " " + unit);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    Figure start = figure(START.matcher(text));
    Figure current = figure(CURRENT.matcher(text));
    Figure target = figure(TARGET.matcher(text));
    Matcher fromTo = FROM_TO.matcher(text);
    if (fromTo.find()) {
      start = start != null ? start : new Figure(Texts.number(fromTo.group(1)), fromTo.group(2));
      current = current != null ? current : new Figure(Texts.number(fromTo.group(3)), fromTo.group(4));
    }
    if (start != null && current != null && target != null && start.value() != target.value()) {
      return Optional.of(Calculation.result(NAME, describe(start, current, target)));
    }
    boolean anyFigure = start != null || current != null || target != null;
    if (!anyFigure || !ASKS.matcher(text).find()) {
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    if (start == null) {
      missing.add("where you started (e.g. started at 90 kg)");
    }
    if (current == null) {
      missing.add("where you are now (e.g. now 84 kg)");
    }
    if (target == null) {
      missing.add("your target (e.g. goal 80 kg)");
    }
    if (missing.isEmpty()) {
      missing.add("a target different from your starting point");
    }
    return Optional.of(Calculation.needs(NAME, "your progress", missing));
  }

  /** Percent of the way from start to target, by {@code (start − current) / (start − target) × 100}. */
  static double percent(double start, double current, double target) {
    return (start - current) / (start - target) * 100;
  }

  private static Figure figure(Matcher m) {
    return m.find() ? new Figure(Texts.number(m.group(1)), m.group(2)) : null;
  }

  private static String describe(Figure start, Figure current, Figure target) {
    double pct = percent(start.value(), current.value(), target.value());
    double done = Math.abs(current.value() - start.value());
    double left = Math.abs(target.value() - current.value());
    String figures = " (start " + start.show() + ", now " + current.show() + ", target " + target.show() + ")";
    if (pct >= 100) {
      return "Target reached: " + Fmt.decimal(pct, 0) + " % of the way" + figures + ", " + Fmt.decimal(left, 1)
          + " past it.";
    }
    if (pct < 0) {
      return "You have moved " + Fmt.decimal(done, 1) + " away from your target" + figures
          + "; the gap is now " + Fmt.decimal(left, 1) + ".";
    }
    return "Progress " + Fmt.decimal(pct, 0) + " % of the way" + figures + ": " + Fmt.decimal(done, 1)
        + " done, " + Fmt.decimal(left, 1) + " to go.";
  }
}
