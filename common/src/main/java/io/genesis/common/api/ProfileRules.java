package io.genesis.common.api;

import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.error.Problem.FieldError;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a coaching profile may hold, in one place: the gateway checks requests with it (the OpenAPI document states
 * the same ranges and values) and the session service checks what it stores. Metric figures; {@code units} only
 * says how replies show them. The activity levels are the offline coach's TDEE factors (1.2, 1.375, 1.55, 1.725,
 * 1.9), the goals its calorie targets (−20 %, maintenance, +10 %).
 */
public final class ProfileRules {
  public static final int AGE_MIN = 13;
  public static final int AGE_MAX = 120;
  public static final double HEIGHT_CM_MIN = 50;
  public static final double HEIGHT_CM_MAX = 272;
  public static final double WEIGHT_KG_MIN = 20;
  public static final double WEIGHT_KG_MAX = 500;
  public static final List<String> SEXES = List.of("male", "female");
  public static final List<String> ACTIVITIES = List.of("sedentary", "light", "moderate", "very_active", "extra_active");
  public static final List<String> GOALS = List.of("lose_fat", "maintain", "gain_muscle");
  public static final List<String> UNITS = List.of("metric", "imperial");
  public static final String IMPERIAL = "imperial";
  public static final int TIMEZONE_CHARS = 64;
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  private ProfileRules() {}

  /** Every field of {@code profile} that breaks a rule (empty: the profile may be stored). */
  public static List<FieldError> check(Profile profile) {
    List<FieldError> errors = new ArrayList<>();
    if (profile.age() != null && (profile.age() < AGE_MIN || profile.age() > AGE_MAX)) {
      errors.add(new FieldError("age", "must be between " + AGE_MIN + " and " + AGE_MAX + " years"));
    }
    range(errors, "heightCm", profile.heightCm(), HEIGHT_CM_MIN, HEIGHT_CM_MAX, "cm");
    range(errors, "weightKg", profile.weightKg(), WEIGHT_KG_MIN, WEIGHT_KG_MAX, "kg");
    oneOf(errors, "sex", profile.sex(), SEXES);
    oneOf(errors, "activity", profile.activity(), ACTIVITIES);
    oneOf(errors, "goal", profile.goal(), GOALS);
    oneOf(errors, "units", profile.units(), UNITS);
    if (profile.timezone() != null && !ZONES.contains(profile.timezone())) {
      errors.add(new FieldError("timezone", "must be an IANA time zone such as Europe/Paris"));
    }
    return errors;
  }

  private static void range(List<FieldError> errors, String field, Double value, double min, double max, String unit) {
    if (value != null && (!Double.isFinite(value) || value < min || value > max)) {
      errors.add(new FieldError(field, "must be between " + (long) min + " and " + (long) max + " " + unit));
    }
  }

  private static void oneOf(List<FieldError> errors, String field, String value, List<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      errors.add(new FieldError(field, "must be one of " + String.join(", ", allowed)));
    }
  }
}
