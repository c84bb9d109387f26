package io.genesis.agent.coach.calc;

/**
 * Energy and macro arithmetic. BMR by Mifflin-St Jeor (men 10w + 6.25h − 5a + 5, women
 * 10w + 6.25h − 5a − 161; w kg, h cm, a years), TDEE = BMR × activity factor, and a day's target
 * for a goal: calories (lose −20 %, maintain, gain +10 %), protein by body weight, fat 25 % of
 * calories, carbohydrate the rest.
 */
public final class Nutrition {
  public static final double FAT_SHARE = 0.25;
  public static final int KCAL_PER_G_PROTEIN = 4;
  public static final int KCAL_PER_G_CARB = 4;
  public static final int KCAL_PER_G_FAT = 9;

  private Nutrition() {}

  public enum Sex {
    MALE("male", 5), FEMALE("female", -161);

    final String label;
    final int constant;

    Sex(String label, int constant) {
      this.label = label;
      this.constant = constant;
    }
  }

  public enum Activity {
    SEDENTARY(1.2, "sedentary"),
    LIGHT(1.375, "lightly active"),
    MODERATE(1.55, "moderately active"),
    VERY_ACTIVE(1.725, "very active"),
    EXTRA(1.9, "extra active");

    public final double factor;
    public final String label;

    Activity(double factor, String label) {
      this.factor = factor;
      this.label = label;
    }
  }

  public enum Goal {
    LOSE(0.8, 2.2, "fat loss", "TDEE \u2212 20 %"),
    MAINTAIN(1.0, 1.6, "maintenance", "TDEE"),
    GAIN(1.1, 1.8, "muscle gain", "TDEE + 10 %");

    public final double kcalFactor;
    public final double proteinPerKg;
    public final String label;
    public final String rule;

    Goal(double kcalFactor, double proteinPerKg, String label, String rule) {
      this.kcalFactor = kcalFactor;
      this.proteinPerKg = proteinPerKg;
      this.label = label;
      this.rule = rule;
    }
  }

  /** A day's intake: whole kcal and grams. */
  public record Macros(long kcal, long proteinG, long fatG, long carbsG) {}

  public static double bmr(Sex sex, double kg, double cm, int age) {
    return 10 * kg + 6.25 * cm - 5 * age + sex.constant;
  }

  public static double tdee(double bmr, Activity activity) {
    return bmr * activity.factor;
  }

  /**
   * The target: kcal = round(TDEE × goal factor); protein = round(kg × g/kg); fat = round(25 % of
   * kcal / 9); carbs = round((kcal − 4·protein − 9·fat) / 4), never below zero.
   */
  public static Macros macros(double tdee, double kg, Goal goal) {
    long kcal = Math.round(tdee * goal.kcalFactor);
    long protein = Math.round(kg * goal.proteinPerKg);
    long fat = Math.round(kcal * FAT_SHARE / KCAL_PER_G_FAT);
    double carbKcal = kcal - protein * KCAL_PER_G_PROTEIN - fat * KCAL_PER_G_FAT;
    long carbs = Math.max(0, Math.round(carbKcal / KCAL_PER_G_CARB));
    return new Macros(kcal, protein, fat, carbs);
  }
}
