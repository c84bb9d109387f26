package io.genesis.agent.coach.calc;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Heart-rate zones from age: maximum heart rate by Tanaka ({@code 208 − 0.7 × age}), with the classic
 * {@code 220 − age} for comparison, and five zones at 50–60 … 90–100 % of the Tanaka maximum.
 */
final class HeartRateCalculator implements Calculator {
  static final String NAME = "heart-rate-zones";

  private static final Pattern ASKS = Pattern.compile("heart[ -]?rate|\\bhr\\b|\\bbpm\\b|\\bzones?\\b|max hr");
  static final int[][] ZONES = {{50, 60}, {60, 70}, {70, 80}, {80, 90}, {90, 100}};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    if (!ASKS.matcher(text).find()) {
      return Optional.empty();
    }
    OptionalInt age = Quantities.age(text);
    if (age.isEmpty()) {
      return Optional.of(Calculation.needs(NAME, "your heart-rate zones", List.of("your age (e.g. age 30)")));
    }
    return Optional.of(Calculation.result(NAME, describe(age.getAsInt())));
  }

  static double tanaka(int age) {
    return 208 - 0.7 * age;
  }

  static int classic(int age) {
    return 220 - age;
  }

  private static String describe(int age) {
    double max = tanaka(age);
    StringBuilder text = new StringBuilder("Max heart rate \u2248 " + Math.round(max) + " bpm (Tanaka: 208 \u2212 0.7 \u00d7 "
        + age + "; the classic 220 \u2212 " + age + " gives " + classic(age) + "). Zones:");
    for (int i = 0; i < ZONES.length; i++) {
      text.append(i == 0 ? " " : ", ").append("Z").append(i + 1).append(' ')
          .append(Math.round(max * ZONES[i][0] / 100.0)).append('\u2013').append(Math.round(max * ZONES[i][1] / 100.0));
    }
    return text.append(" bpm (50\u201360, 60\u201370, 70\u201380, 80\u201390, 90\u2013100 % of max).").toString();
  }
}
