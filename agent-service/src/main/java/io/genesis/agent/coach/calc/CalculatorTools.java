package io.genesis.agent.coach.calc;

import io.genesis.agent.coach.calc.Nutrition.Activity;
import io.genesis.agent.coach.calc.Nutrition.Goal;
import io.genesis.agent.coach.calc.Nutrition.Macros;
import io.genesis.agent.coach.calc.Nutrition.Sex;
import io.genesis.agent.coach.calc.ToolArguments.Refused;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offline coach's calculators as OpenAI tools, for an upstream model (function calling): the
 * {@code tools} an agent's requests offer (one function per calculator its definition names, under the
 * calculator's name, with a JSON-schema of its arguments), and the calls the model makes, run here on
 * the same arithmetic the offline coach uses. Nutrition, one-rep max, heart-rate zones and pace take typed
 * figures; the other calculators take the figures in words ({@code request}), as the offline coach reads
 * them from a message. Pure and thread-safe: a call is a few arithmetic operations, run on the event loop.
 */
public final class CalculatorTools {
  private static final String[] ACTIVITIES = {"sedentary", "light", "moderate", "very_active", "extra"};
  private static final String[] GOALS = {"lose", "maintain", "gain"};
  /** By calculator list: a handful of entries (agent definitions name one or two calculators each). */
  private static final Map<List<String>, JsonArray> DEFINITIONS = new ConcurrentHashMap<>();

  private CalculatorTools() {}

  /** A call's outcome: {@code result} (a JSON object) or {@code error} (why it was refused), the other null. */
  public record Outcome(JsonObject result, String error) {
    static Outcome refused(String why) {
      return new Outcome(null, why);
    }

    /** What the model is sent as the tool message's content. */
    public String content() {
      return result != null ? result.encode() : new JsonObject().put("error", error).encode();
    }
  }

  /**
   * The {@code tools} of a request for an agent with these calculators (empty: none to offer). Built once per
   * list and shared: callers only encode it, never change it.
   */
  public static JsonArray definitions(List<String> calculators) {
    return DEFINITIONS.computeIfAbsent(List.copyOf(calculators), CalculatorTools::build);
  }

  private static JsonArray build(List<String> calculators) {
    JsonArray tools = new JsonArray();
    for (String name : calculators) {
      JsonObject function = function(name);
      if (function != null) {
        tools.add(new JsonObject().put("type", "function").put("function", function));
      }
    }
    return tools;
  }

  /** Runs one call; never throws: what is wrong with the call is the outcome's error. */
  public static Outcome run(String name, String arguments) {
    try {
      return switch (name == null ? "" : name) {
        case NutritionCalculator.NAME -> new Outcome(nutrition(arguments), null);
        case OneRepMaxCalculator.NAME -> new Outcome(oneRepMax(arguments), null);
        case HeartRateCalculator.NAME -> new Outcome(heartRate(arguments), null);
        case PaceCalculator.NAME -> new Outcome(pace(arguments), null);
        default -> Calculators.byName(name).map(calculator -> worded(calculator, arguments))
            .orElseGet(() -> Outcome.refused("no calculator named '" + name + "'"));
      };
    } catch (Refused refused) {
      return Outcome.refused(refused.getMessage());
    }
  }

  private static JsonObject function(String name) {
    return switch (name) {
      case NutritionCalculator.NAME -> described(name, "BMR (Mifflin-St Jeor), TDEE and a day's calories and macros"
          + " (protein, fat, carbohydrate) for a goal, from sex, weight, height, age and activity.", new JsonObject()
          .put("sex", enumeration("Biological sex (the formula differs).", "male", "female"))
          .put("weightKg", number("Body weight in kg (convert pounds: lb x 0.4536).", 20, 400))
          .put("heightCm", number("Height in cm (convert inches: in x 2.54).", 100, 250))
          .put("age", integer("Age in years.", 10, 110))
          .put("activity", enumeration("Activity level; moderate when not known.", ACTIVITIES))
          .put("goal", enumeration("Goal; maintain when not known.", GOALS)), "sex", "weightKg", "heightCm", "age");
      case OneRepMaxCalculator.NAME -> described(name, "Estimated one-repetition maximum (Epley) from a hard set,"
          + " with working weights at 90, 80 and 70 %.", new JsonObject()
          .put("weight", number("The weight lifted.", 1, 1000))
          .put("reps", integer("Repetitions done with it.", 1, 30))
          .put("unit", enumeration("The weight's unit; kg when not given.", "kg", "lb")), "weight", "reps");
      case HeartRateCalculator.NAME -> described(name, "Maximum heart rate (Tanaka: 208 - 0.7 x age) and five"
          + " training zones at 50-60 ... 90-100 % of it.", new JsonObject()
          .put("age", integer("Age in years.", 10, 100)), "age");
      case PaceCalculator.NAME -> described(name, "Pace per km and per mile, and speed, from a distance and a time.",
          new JsonObject()
              .put("distanceKm", number("Distance in km (a mile is 1.609344 km; a marathon 42.195 km).", 0.01, 1000))
              .put("durationSeconds", integer("Time taken, in seconds.", 1, 7 * 24 * 3600)),
          "distanceKm", "durationSeconds");
      default -> Calculators.byName(name).map(calculator -> described(name, wordedPurpose(name), new JsonObject()
          .put("request", new JsonObject().put("type", "string").put("maxLength", 500)
              .put("description", wordedExample(name))), "request")).orElse(null);
    };
  }

  private static String wordedPurpose(String name) {
    return switch (name) {
      case SleepCalculator.NAME -> "Bedtimes or wake-up times in whole 90-minute sleep cycles.";
      case ProgressCalculator.NAME -> "Progress towards a goal: the share of the way from a start to a target.";
      case SupplementCalculator.NAME -> "Evidence-based doses of caffeine or creatine for a body weight.";
      default -> "Box breathing: rounds of 4-4-4-4 seconds for a number of minutes.";
    };
  }

  private static String wordedExample(String name) {
    return "The figures in words, as the user gave them, e.g. " + switch (name) {
      case SleepCalculator.NAME -> "'wake at 6:30' or 'bed at 23:00'.";
      case ProgressCalculator.NAME -> "'started at 90 kg, now 84 kg, target 78 kg'.";
      case SupplementCalculator.NAME -> "'creatine for 80 kg' or 'caffeine for 176 lb'.";
      default -> "'breathing for 4 minutes'.";
    };
  }

  private static JsonObject nutrition(String arguments) {
    ToolArguments args = ToolArguments.parse(arguments, Set.of("sex", "weightKg", "heightCm", "age", "activity", "goal"));
    Sex sex = Sex.valueOf(args.choice("sex", null, "male", "female").toUpperCase(Locale.ROOT));
    double kg = args.number("weightKg", 20, 400);
    double cm = args.number("heightCm", 100, 250);
    int age = args.integer("age", 10, 110);
    Activity activity = Activity.valueOf(args.choice("activity", "moderate", ACTIVITIES).toUpperCase(Locale.ROOT));
    Goal goal = Goal.valueOf(args.choice("goal", "maintain", GOALS).toUpperCase(Locale.ROOT));
    double bmr = Nutrition.bmr(sex, kg, cm, age);
    double tdee = Nutrition.tdee(bmr, activity);
    Macros macros = Nutrition.macros(tdee, kg, goal);
    return new JsonObject().put("bmrKcal", Math.round(bmr)).put("bmrFormula", "Mifflin-St Jeor")
        .put("activityFactor", activity.factor).put("tdeeKcal", Math.round(tdee))
        .put("goal", goal.label).put("goalRule", goal.rule).put("kcal", macros.kcal())
        .put("proteinG", macros.proteinG()).put("proteinGPerKg", goal.proteinPerKg)
        .put("fatG", macros.fatG()).put("carbsG", macros.carbsG());
  }

  private static JsonObject oneRepMax(String arguments) {
    ToolArguments args = ToolArguments.parse(arguments, Set.of("weight", "reps", "unit"));
    double weight = args.number("weight", 1, 1000);
    int reps = args.integer("reps", 1, 30);
    String unit = args.choice("unit", "kg", "kg", "lb");
    double step = unit.equals("lb") ? 5 : 2.5;
    double max = OneRepMaxCalculator.epley(weight, reps);
    JsonObject working = new JsonObject();
    for (int percent : OneRepMaxCalculator.PERCENTAGES) {
      working.put(percent + "%", Math.round(max * percent / 100.0 / step) * step);
    }
    JsonObject result = new JsonObject().put("oneRepMax", round(max, 1)).put("unit", unit).put("formula", "Epley")
        .put("workingWeights", working);
    return reps > 10 ? result.put("note", "past about 10 reps any 1RM formula drifts: a rough guide") : result;
  }

  private static JsonObject heartRate(String arguments) {
    ToolArguments args = ToolArguments.parse(arguments, Set.of("age"));
    int age = args.integer("age", 10, 100);
    double max = HeartRateCalculator.tanaka(age);
    JsonArray zones = new JsonArray();
    for (int i = 0; i < HeartRateCalculator.ZONES.length; i++) {
      int[] zone = HeartRateCalculator.ZONES[i];
      zones.add(new JsonObject().put("zone", i + 1).put("percentOfMax", zone[0] + "-" + zone[1])
          .put("fromBpm", Math.round(max * zone[0] / 100.0)).put("toBpm", Math.round(max * zone[1] / 100.0)));
    }
    return new JsonObject().put("maxHeartRate", Math.round(max)).put("formula", "Tanaka")
        .put("classicMaxHeartRate", HeartRateCalculator.classic(age)).put("zones", zones);
  }

  private static JsonObject pace(String arguments) {
    ToolArguments args = ToolArguments.parse(arguments, Set.of("distanceKm", "durationSeconds"));
    double km = args.number("distanceKm", 0.01, 1000);
    long seconds = args.integer("durationSeconds", 1, 7 * 24 * 3600);
    long perKm = Math.round(seconds / km);
    long perMile = Math.round(seconds / km * PaceCalculator.KM_PER_MILE);
    return new JsonObject().put("pacePerKm", Fmt.minSec(perKm)).put("pacePerMile", Fmt.minSec(perMile))
        .put("speedKmh", round(km / (seconds / 3600.0), 1));
  }

  private static Outcome worded(Calculator calculator, String arguments) {
    String request;
    try {
      request = ToolArguments.parse(arguments, Set.of("request")).text("request", 500);
    } catch (Refused refused) {
      return Outcome.refused(refused.getMessage());
    }
    Optional<Calculation> calculation = calculator.evaluate(Texts.normalize(request));
    if (calculation.isEmpty()) {
      return Outcome.refused("the request names no figures this calculator uses; " + wordedExample(calculator.name()));
    }
    return calculation.get().complete() ? new Outcome(new JsonObject().put("text", calculation.get().text()), null)
        : Outcome.refused(calculation.get().text());
  }

  private static JsonObject described(String name, String description, JsonObject properties, String... required) {
    JsonObject parameters = new JsonObject().put("type", "object").put("properties", properties)
        .put("required", new JsonArray(List.of((Object[]) required))).put("additionalProperties", false);
    return new JsonObject().put("name", name).put("description", description).put("parameters", parameters);
  }

  private static JsonObject number(String description, double min, double max) {
    return new JsonObject().put("type", "number").put("minimum", min).put("maximum", max).put("description", description);
  }

  private static JsonObject integer(String description, int min, int max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max).put("description", description);
  }

  private static JsonObject enumeration(String description, String... values) {
    return new JsonObject().put("type", "string").put("enum", new JsonArray(List.of((Object[]) values)))
        .put("description", description);
  }

  private static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
  }
}
