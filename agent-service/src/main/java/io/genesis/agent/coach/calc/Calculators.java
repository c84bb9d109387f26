package io.genesis.agent.coach.calc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The calculators an agent definition can name, by name. */
public final class Calculators {
  private static final Map<String, Calculator> BY_NAME = index(
      new NutritionCalculator(),
      new OneRepMaxCalculator(),
      new HeartRateCalculator(),
      new PaceCalculator(),
      new SleepCalculator(),
      new ProgressCalculator(),
      new SupplementCalculator(),
      new BreathingRoutine(),
      RecordTrendCalculator.weight(),
      RecordTrendCalculator.sleep(),
      RecordTrendCalculator.strength());

  /** Every known name, in a fixed order. */
  public static final List<String> NAMES = List.copyOf(BY_NAME.keySet());

  private Calculators() {}

  public static Optional<Calculator> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  private static Map<String, Calculator> index(Calculator... calculators) {
    Map<String, Calculator> map = new LinkedHashMap<>();
    for (Calculator calculator : calculators) {
      map.put(calculator.name(), calculator);
    }
    return Collections.unmodifiableMap(map);
  }
}
