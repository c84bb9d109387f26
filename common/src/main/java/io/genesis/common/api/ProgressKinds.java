package io.genesis.common.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds of progress record, the units a client may give each in, and the one metric unit it is stored and
 * answered in (the gateway converts; the OpenAPI document lists the same kinds and units).
 */
public final class ProgressKinds {
  public static final double KG_PER_LB = 0.45359237;
  /** An exercise's name ({@code lift_1rm}). */
  public static final int EXERCISE_CHARS = 64;

  /** One kind: its canonical unit, the accepted units with their factor to it, and the canonical range. */
  public record Kind(String name, String unit, Map<String, Double> units, double min, double max, boolean needsExercise) {
    /** The value in the canonical unit, rounded to 3 decimals; empty when the unit is not one of this kind's. */
    public Optional<Double> toCanonical(double value, String givenUnit) {
      Double factor = givenUnit == null ? null : units.get(givenUnit);
      return factor == null ? Optional.empty() : Optional.of(Math.round(value * factor * 1000) / 1000.0);
    }
  }

  public static final List<Kind> KINDS = List.of(
      new Kind("weight", "kg", Map.of("kg", 1.0, "lb", KG_PER_LB), 20, 500, false),
      new Kind("body_fat", "%", Map.of("%", 1.0), 1, 75, false),
      new Kind("resting_hr", "bpm", Map.of("bpm", 1.0), 20, 250, false),
      new Kind("sleep_hours", "h", Map.of("h", 1.0, "min", 1 / 60.0), 0, 24, false),
      new Kind("lift_1rm", "kg", Map.of("kg", 1.0, "lb", KG_PER_LB), 1, 1000, true),
      new Kind("steps", "steps", Map.of("steps", 1.0), 0, 200_000, false));

  /** The kind names, in the order above. */
  public static final List<String> NAMES = KINDS.stream().map(Kind::name).toList();

  private ProgressKinds() {}

  public static Optional<Kind> byName(String name) {
    return KINDS.stream().filter(kind -> kind.name().equals(name)).findFirst();
  }
}
