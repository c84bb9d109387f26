package io.genesis.agent.coach.calc;

import io.genesis.agent.coach.calc.Quantities.Mass;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Doses by body weight: caffeine 3–6 mg/kg before training (capped at 400 mg a day), creatine
 * monohydrate 0.03 g/kg a day, or 0.3 g/kg a day for a 5–7 day loading phase.
 */
final class SupplementCalculator implements Calculator {
  static final String NAME = "supplement-dose";
  static final int CAFFEINE_DAILY_CAP_MG = 400;

  private static final Pattern CAFFEINE = Pattern.compile("caffeine|coffee|espresso|pre-?workout");
  private static final Pattern CREATINE = Pattern.compile("creatine");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    boolean caffeine = CAFFEINE.matcher(text).find();
    boolean creatine = CREATINE.matcher(text).find();
    if (!caffeine && !creatine) {
      return Optional.empty();
    }
    Optional<Mass> weight = Quantities.bodyWeight(text);
    if (weight.isEmpty()) {
      return Optional.of(Calculation.needs(NAME, "a dose for you", List.of("your body weight (e.g. 80 kg or 176 lb)")));
    }
    double kg = weight.get().kg();
    StringBuilder out = new StringBuilder();
    if (caffeine) {
      out.append(caffeine(kg));
    }
    if (creatine) {
      out.append(out.length() == 0 ? "" : "\n").append(creatine(kg));
    }
    return Optional.of(Calculation.result(NAME, out.toString()));
  }

  private static String caffeine(double kg) {
    long low = Math.round(kg * 3);
    long high = Math.round(kg * 6);
    String body = Fmt.decimal(kg, 1) + " kg";
    return "Caffeine: 3\u20136 mg/kg \u2192 " + low + "\u2013" + high + " mg for " + body + ". Start at " + low
        + " mg 30\u201360 min before training"
        + (high > CAFFEINE_DAILY_CAP_MG ? ", and keep the day under " + CAFFEINE_DAILY_CAP_MG + " mg." : ".");
  }

  private static String creatine(double kg) {
    return "Creatine monohydrate: 0.03 g/kg \u2192 " + Fmt.decimal(kg * 0.03, 1) + " g a day for "
        + Fmt.decimal(kg, 1) + " kg (3\u20135 g is the usual daily dose); optional loading 0.3 g/kg \u2192 "
        + Fmt.decimal(kg * 0.3, 1) + " g a day in 4 doses for 5\u20137 days.";
  }
}
