package io.genesis.agent.coach.calc;

import io.genesis.common.bus.Messages.ProgressView;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Trends from the person's progress records ({@link Trends}): {@code weight-trend} (STELLA: the slope per week, the
 * rate against the profile's goal, a plateau), {@code sleep-trend} (WAVE: the recent nights and their trend),
 * {@code strength-trend} (BLAZE: each lift's 1RM and its slope). Without records it stays silent: the message is
 * answered as before.
 */
final class RecordTrendCalculator implements Calculator {
  static final String WEIGHT = "weight-trend";
  static final String SLEEP = "sleep-trend";
  static final String STRENGTH = "strength-trend";
  /** "The last weeks": the trend's window, widened once when it holds too few records. */
  static final int WEEKS = 4;
  /** A plateau: three weeks or more with less than this change a week (fraction of body weight). */
  static final double PLATEAU_SHARE = 0.001;
  static final int PLATEAU_WEEKS = 3;

  private static final Pattern WEIGHT_ASKS = Pattern.compile("\\b(?:progress|trend|how am i doing|how'?s it going|on track"
      + "|plateau\\w*|stuck|stall\\w*|weigh[- ]?ins?|my weight|rate|losing|gaining|results?|goal)\\b");
  private static final Pattern SLEEP_ASKS = Pattern.compile("\\b(?:sleep\\w*|slept|tired|insomnia|rest(?:ed)?|nights?)\\b");
  private static final Pattern STRENGTH_ASKS = Pattern.compile("\\b(?:1rm|one[- ]rep max|max(?:es)?|strength|stronger"
      + "|progress\\w*|prs?|bench\\w*|squat\\w*|deadlift\\w*|lifts?|plateau\\w*|stuck)\\b");

  private final String name;
  private final Pattern asks;

  private RecordTrendCalculator(String name, Pattern asks) {
    this.name = name;
    this.asks = asks;
  }

  static RecordTrendCalculator weight() {
    return new RecordTrendCalculator(WEIGHT, WEIGHT_ASKS);
  }

  static RecordTrendCalculator sleep() {
    return new RecordTrendCalculator(SLEEP, SLEEP_ASKS);
  }

  static RecordTrendCalculator strength() {
    return new RecordTrendCalculator(STRENGTH, STRENGTH_ASKS);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Uses uses(String text) {
    return asks.matcher(text).find() ? Uses.RECORDS : Uses.NOTHING;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    return Optional.empty();
  }

  @Override
  public Optional<Calculation> evaluate(String text, Facts facts) {
    if (!asks.matcher(text).find()) {
      return Optional.empty();
    }
    String answer = switch (name) {
      case WEIGHT -> weight(facts);
      case SLEEP -> sleep(facts);
      default -> strength(facts);
    };
    return answer == null ? Optional.empty() : Optional.of(Calculation.result(name, answer));
  }

  private static Trends.Trend trend(List<ProgressView> records) {
    Trends.Trend trend = Trends.over(records, WEEKS);
    return trend != null && trend.points() >= 3 ? trend : Trends.over(records, WEEKS * 2);
  }

  static String weight(Facts facts) {
    List<ProgressView> records = facts.of("weight", null);
    Trends.Trend trend = trend(records);
    if (trend == null) {
      return null;
    }
    StringBuilder out = new StringBuilder("Your weight over the last " + weeks(trend.weeks()) + ": " + facts.kg(trend.first())
        + " \u2192 " + facts.kg(trend.last()) + ", " + signedKg(facts, trend.perWeek()) + " a week (least-squares slope of "
        + trend.points() + " weigh-ins).");
    double sharePerWeek = trend.perWeek() / trend.last();
    String goal = facts.profile().goal();
    out.append('\n').append(againstGoal(goal, sharePerWeek));
    Trends.Trend recent = Trends.over(records, PLATEAU_WEEKS);
    if (recent != null && recent.points() >= 3 && recent.weeks() >= PLATEAU_WEEKS - 1
        && Math.abs(recent.perWeek() / recent.last()) < PLATEAU_SHARE && !"maintain".equals(goal)) {
      out.append("\nPlateau: your weight has barely moved for ").append(weeks(recent.weeks())).append(" (")
          .append(signedKg(facts, recent.perWeek())).append(" a week). Check your intake against your TDEE, sleep and steps;"
              + " a plateau of two to three weeks is common and often breaks with a small change.");
    }
    return out.toString();
  }

  private static String againstGoal(String goal, double sharePerWeek) {
    String pct = Fmt.decimal(Math.abs(sharePerWeek) * 100, 2) + " % of your weight a week";
    if ("lose_fat".equals(goal)) {
      if (sharePerWeek >= 0) {
        return "Your goal is to lose fat, but the trend is not going down (" + (sharePerWeek == 0 ? "flat" : "+" + pct) + ").";
      }
      return -sharePerWeek < 0.005 ? "For fat loss that is slower than the 0.5\u20131 % a week that works well (" + pct + ")."
          : -sharePerWeek <= 0.01 ? "For fat loss that is right on pace: " + pct + ", within 0.5\u20131 % a week."
          : "For fat loss that is fast (" + pct + ", above 1 % a week): eat a little more to keep your muscle.";
    }
    if ("gain_muscle".equals(goal)) {
      if (sharePerWeek <= 0) {
        return "Your goal is to gain muscle, but the trend is not going up: eat a little more.";
      }
      return sharePerWeek < 0.0025 ? "For muscle gain that is slower than the 0.25\u20130.5 % a week to aim for (" + pct + ")."
          : sharePerWeek <= 0.005 ? "For muscle gain that is on pace: " + pct + ", within 0.25\u20130.5 % a week."
          : "For muscle gain that is fast (" + pct + "): part of it is likely fat; a smaller surplus will do.";
    }
    if ("maintain".equals(goal)) {
      return Math.abs(sharePerWeek) <= 0.0025 ? "Steady, as maintenance wants (" + pct + ")."
          : "For maintenance that is drifting (" + pct + "): adjust your intake a little.";
    }
    return "Set a goal in your profile (lose_fat, maintain, gain_muscle) and I will compare this rate with it.";
  }

  static String sleep(Facts facts) {
    List<ProgressView> records = facts.of("sleep_hours", null);
    if (records.isEmpty()) {
      return null;
    }
    double week = Trends.meanOfLast(records, 7);
    StringBuilder out = new StringBuilder("Your sleep: " + Fmt.decimal(week, 1) + " h a night on average over your last 7 days of records");
    Trends.Trend trend = trend(records);
    if (trend != null) {
      out.append(", ").append(signed(trend.perWeek(), 2)).append(" h a week over the last ").append(weeks(trend.weeks()))
          .append(" (least-squares slope of ").append(trend.points()).append(" nights)");
    }
    out.append('.');
    out.append(week < 7 ? "\nThat is under the 7\u20139 h adults need: protect a fixed wake time and a wind-down hour."
        : week > 9 ? "\nThat is more than the usual 7\u20139 h: if you still feel tired, mention it to a doctor."
        : "\nThat is within the 7\u20139 h adults need.");
    return out.toString();
  }

  static String strength(Facts facts) {
    List<ProgressView> records = facts.of("lift_1rm", null);
    if (records.isEmpty()) {
      return null;
    }
    Set<String> exercises = new LinkedHashSet<>();
    records.forEach(r -> exercises.add(r.exercise()));
    List<String> lines = new ArrayList<>();
    for (String exercise : exercises) {
      if (lines.size() == 3) {
        break;
      }
      List<ProgressView> lift = facts.of("lift_1rm", exercise);
      Trends.Trend trend = trend(lift);
      String line = exercise + ": 1RM " + facts.kg(lift.get(0).value());
      if (trend != null) {
        line += ", " + signedKg(facts, trend.perWeek()) + " a week over the last " + weeks(trend.weeks()) + " (least-squares slope of "
            + trend.points() + " records)" + (Math.abs(trend.perWeek()) < 0.25 && trend.weeks() >= 3
                ? ": a plateau; change the rep range or add a deload week" : "");
      }
      lines.add(line + ".");
    }
    return String.join("\n", lines);
  }

  private static String weeks(double weeks) {
    long whole = Math.max(1, Math.round(weeks));
    return whole == 1 ? "week" : whole + " weeks";
  }

  private static String signedKg(Facts facts, double kg) {
    String sign = kg > 0 ? "+" : kg < 0 ? "\u2212" : "";
    return sign + facts.kg(Math.abs(kg));
  }

  private static String signed(double value, int decimals) {
    return (value > 0 ? "+" : value < 0 ? "\u2212" : "") + Fmt.decimal(Math.abs(value), decimals);
  }
}
