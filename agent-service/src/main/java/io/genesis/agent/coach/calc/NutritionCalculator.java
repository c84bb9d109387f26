package io.genesis.agent.coach.calc;

import io.genesis.agent.coach.calc.Nutrition.Activity;
import io.genesis.agent.coach.calc.Nutrition.Goal;
import io.genesis.agent.coach.calc.Nutrition.Macros;
import io.genesis.agent.coach.calc.Nutrition.Sex;
import io.genesis.agent.coach.calc.Quantities.Height;
import io.genesis.agent.coach.calc.Quantities.Mass;
import io.genesis.common.bus.Messages.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * BMR, TDEE and macros ({@link Nutrition}) from weight, height, age, sex, activity and goal found in
 * the message. Runs when the message asks about calories or macros, or gives all the body numbers.
 * Activity defaults to moderate and the goal to maintenance, and the reply says so.
 */
final class NutritionCalculator implements Calculator {
  static final String NAME = "nutrition";

  private static final Pattern ASKS = Pattern.compile("\\b(?:bmr|tdee|calori(?:e|es)|kcal|macros?|macronutrients?"
      + "|metabolism|metabolic|maintenance|deficit|surplus|how much (?:should i|do i|can i|to) eat"
      + "|how much protein|how many (?:carbs|grams))\\b");

  private static final Pattern EXTRA = Pattern.compile("extra[ -]?active|extremely active|athlete|physical job"
      + "|manual labou?r|twice a day|twice daily");
  private static final Pattern VERY = Pattern.compile("very active|\\b6 ?- ?7 (?:days|times)|hard exercise");
  private static final Pattern SEDENTARY = Pattern.compile("sedentary|desk job|office job|inactive|no exercise"
      + "|don't exercise|do not exercise");
  private static final Pattern LIGHT = Pattern.compile("\\blight(?:ly)?[ -]?(?:active|exercise|activity)"
      + "|\\b1 ?- ?3 (?:days|times)");
  private static final Pattern MODERATE = Pattern.compile("\\bmoderate(?:ly)?\\b|\\b3 ?- ?5 (?:days|times)");
  private static final Pattern ACTIVE = Pattern.compile("\\bactive\\b");

  private static final Pattern LOSE = Pattern.compile("\\b(?:lose|losing|cut|cutting|fat loss|lean out|leaner"
      + "|slim down|deficit|drop)\\b");
  private static final Pattern GAIN = Pattern.compile("\\b(?:gain|gaining|bulk|bulking|build muscle|muscle gain"
      + "|put on|surplus|mass)\\b");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    return evaluate(text, Facts.NONE);
  }

  @Override
  public Uses uses(String text) {
    return ASKS.matcher(text).find() ? Uses.PROFILE : Uses.NOTHING;
  }

  /**
   * Figures the message gives win; those it lacks come from the profile (the reply says so), and so do the
   * activity level and the goal when the message names none.
   */
  @Override
  public Optional<Calculation> evaluate(String text, Facts facts) {
    Profile profile = facts.profile();
    Optional<Mass> weight = Quantities.bodyWeight(text);
    Optional<Height> height = Quantities.height(text);
    OptionalInt age = Quantities.age(text);
    Optional<Sex> sex = Quantities.sex(text);
    boolean allBodyNumbers = weight.isPresent() && height.isPresent() && age.isPresent();
    if (!allBodyNumbers && !ASKS.matcher(text).find()) {
      return Optional.empty();
    }
    List<String> fromProfile = new ArrayList<>();
    if (weight.isEmpty() && profile.weightKg() != null) {
      weight = Optional.of(new Mass(profile.weightKg(), "profile"));
      fromProfile.add("weight");
    }
    if (height.isEmpty() && profile.heightCm() != null) {
      height = Optional.of(new Height(profile.heightCm(), "profile"));
      fromProfile.add("height");
    }
    if (age.isEmpty() && profile.age() != null) {
      age = OptionalInt.of(profile.age());
      fromProfile.add("age");
    }
    if (sex.isEmpty() && profile.sex() != null) {
      sex = Optional.of("female".equals(profile.sex()) ? Sex.FEMALE : Sex.MALE);
      fromProfile.add("sex");
    }
    List<String> missing = new ArrayList<>();
    weight.ifPresentOrElse(w -> { }, () -> missing.add("your weight (e.g. 80 kg or 176 lb)"));
    height.ifPresentOrElse(h -> { }, () -> missing.add("your height (e.g. 180 cm or 5'11\")"));
    if (age.isEmpty()) {
      missing.add("your age (e.g. age 30)");
    }
    sex.ifPresentOrElse(s -> { }, () -> missing.add("whether you are male or female (the formula differs)"));
    if (!missing.isEmpty()) {
      return Optional.of(Calculation.needs(NAME, "your BMR, TDEE and macros", missing));
    }
    Optional<Activity> activity = activity(text);
    if (activity.isEmpty() && profile.activity() != null) {
      activity = Optional.of(profileActivity(profile.activity()));
      fromProfile.add("activity");
    }
    GoalChoice goal = goal(text);
    if (goal.note().equals(" (no goal given)") && profile.goal() != null) {
      goal = new GoalChoice(profileGoal(profile.goal()), "");
      fromProfile.add("goal");
    }
    String answer = describe(weight.get(), height.get(), age.getAsInt(), sex.get(), activity, goal, facts);
    return Optional.of(Calculation.result(NAME, fromProfile.isEmpty() ? answer
        : answer + "\n(From your profile: " + Fmt.joinAnd(fromProfile) + ". Tell me if anything changed.)"));
  }

  static Activity profileActivity(String value) {
    return switch (value) {
      case "sedentary" -> Activity.SEDENTARY;
      case "light" -> Activity.LIGHT;
      case "very_active" -> Activity.VERY_ACTIVE;
      case "extra_active" -> Activity.EXTRA;
      default -> Activity.MODERATE;
    };
  }

  static Goal profileGoal(String value) {
    return switch (value) {
      case "lose_fat" -> Goal.LOSE;
      case "gain_muscle" -> Goal.GAIN;
      default -> Goal.MAINTAIN;
    };
  }

  private static String describe(Mass weight, Height height, int age, Sex sex, Optional<Activity> stated,
                                 GoalChoice goal, Facts facts) {
    double bmr = Nutrition.bmr(sex, weight.kg(), height.cm(), age);
    Activity activity = stated.orElse(Activity.MODERATE);
    double tdee = Nutrition.tdee(bmr, activity);
    Macros macros = Nutrition.macros(tdee, weight.kg(), goal.goal());
    return "BMR " + Fmt.grouped(Math.round(bmr)) + " kcal (Mifflin-St Jeor: " + kg(weight, facts) + ", " + cm(height, facts)
        + ", " + age + " y, " + sex.label + ").\n"
        + "TDEE " + Fmt.grouped(Math.round(tdee)) + " kcal (BMR \u00d7 " + activity.factor + ", " + activity.label
        + (stated.isPresent() ? "" : " \u2014 assumed, tell me if you move more or less") + ").\n"
        + "For " + goal.goal().label + goal.note() + ": " + Fmt.grouped(macros.kcal()) + " kcal a day ("
        + goal.goal().rule + ") \u2192 protein " + macros.proteinG() + " g (" + goal.goal().proteinPerKg
        + " g/kg), fat " + macros.fatG() + " g (25 % of kcal), carbs " + macros.carbsG() + " g (the rest).";
  }

  private static String kg(Mass weight, Facts facts) {
    if (weight.asGiven().equals("profile")) {
      return facts.kg(weight.kg());
    }
    String kg = Fmt.decimal(weight.kg(), 1) + " kg";
    return weight.asGiven().endsWith("lb") ? kg + " = " + weight.asGiven() : kg;
  }

  private static String cm(Height height, Facts facts) {
    if (height.asGiven().equals("profile")) {
      return facts.cm(height.cm());
    }
    String cm = Fmt.decimal(height.cm(), 1) + " cm";
    return height.asGiven().endsWith("cm") ? cm : cm + " = " + height.asGiven();
  }

  static Optional<Activity> activity(String text) {
    if (EXTRA.matcher(text).find()) {
      return Optional.of(Activity.EXTRA);
    }
    if (VERY.matcher(text).find()) {
      return Optional.of(Activity.VERY_ACTIVE);
    }
    if (SEDENTARY.matcher(text).find()) {
      return Optional.of(Activity.SEDENTARY);
    }
    if (LIGHT.matcher(text).find()) {
      return Optional.of(Activity.LIGHT);
    }
    if (MODERATE.matcher(text).find()) {
      return Optional.of(Activity.MODERATE);
    }
    return ACTIVE.matcher(text).find() ? Optional.of(Activity.VERY_ACTIVE) : Optional.empty();
  }

  static GoalChoice goal(String text) {
    boolean lose = LOSE.matcher(text).find();
    boolean gain = GAIN.matcher(text).find();
    if (lose && gain) {
      return new GoalChoice(Goal.MAINTAIN, " (recomposition: losing fat and gaining muscle)");
    }
    if (lose) {
      return new GoalChoice(Goal.LOSE, "");
    }
    if (gain) {
      return new GoalChoice(Goal.GAIN, "");
    }
    return new GoalChoice(Goal.MAINTAIN, text.contains("maint") ? "" : " (no goal given)");
  }

  record GoalChoice(Goal goal, String note) {}
}
