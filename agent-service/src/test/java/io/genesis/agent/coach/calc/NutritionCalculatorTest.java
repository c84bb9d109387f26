package io.genesis.agent.coach.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.coach.calc.Nutrition.Activity;
import io.genesis.agent.coach.calc.Nutrition.Goal;
import io.genesis.agent.coach.calc.Nutrition.Macros;
import io.genesis.agent.coach.calc.Nutrition.Sex;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NutritionCalculatorTest {
  private final Calculator nutrition = Calculators.byName("nutrition").orElseThrow();

  private Calculation run(String text) {
    return nutrition.evaluate(Texts.normalize(text)).orElseThrow();
  }

  @Test
  @DisplayName("Mifflin-St Jeor, TDEE and macros: the worked example 80 kg, 180 cm, 30 y, male, moderate, cut")
  void workedExample() {
    assertEquals(1780.0, Nutrition.bmr(Sex.MALE, 80, 180, 30), 1e-9);
    assertEquals(2759.0, Nutrition.tdee(1780.0, Activity.MODERATE), 1e-9);
    // kcal round(2759 × 0.8) = 2207; protein 80 × 2.2 = 176; fat 2207 × 0.25 / 9 = 61.3 → 61;
    // carbs (2207 − 704 − 549) / 4 = 238.5 → 239
    assertEquals(new Macros(2207, 176, 61, 239), Nutrition.macros(2759.0, 80, Goal.LOSE));

    Calculation result = run("I'm a 30 year old male, 80kg, 180cm, moderately active and want to lose fat. Macros?");
    assertTrue(result.complete(), result.text());
    assertTrue(result.text().contains("BMR 1,780 kcal (Mifflin-St Jeor: 80 kg, 180 cm, 30 y, male)"), result.text());
    assertTrue(result.text().contains("TDEE 2,759 kcal (BMR \u00d7 1.55, moderately active)"), result.text());
    assertTrue(result.text().contains("2,207 kcal a day"), result.text());
    assertTrue(result.text().contains("protein 176 g (2.2 g/kg), fat 61 g (25 % of kcal), carbs 239 g"), result.text());
  }

  @Test
  @DisplayName("women: −161; sedentary ×1.2; maintenance protein 1.6 g/kg")
  void femaleSedentaryMaintain() {
    // 10×65 + 6.25×165 − 5×28 − 161 = 1380.25; × 1.2 = 1656.3
    Calculation result = run("Female, age 28, 65 kg, 165 cm, desk job. What are my maintenance calories?");
    assertTrue(result.text().contains("BMR 1,380 kcal (Mifflin-St Jeor: 65 kg, 165 cm, 28 y, female)"), result.text());
    assertTrue(result.text().contains("TDEE 1,656 kcal (BMR \u00d7 1.2, sedentary)"), result.text());
    // kcal 1656; protein 104; fat round(414/9 = 46) = 46; carbs (1656 − 416 − 414) / 4 = 206.5 → 207
    assertEquals(new Macros(1656, 104, 46, 207), Nutrition.macros(1656.3, 65, Goal.MAINTAIN));
    assertTrue(result.text().contains("1,656 kcal a day (TDEE) \u2192 protein 104 g (1.6 g/kg), fat 46 g"), result.text());
  }

  @Test
  @DisplayName("pounds and feet-inches are converted, and the reply names both forms")
  void imperialUnits() {
    assertEquals(176 * Quantities.KG_PER_LB, Quantities.bodyWeight("i weigh 176 lb").orElseThrow().kg(), 1e-9);
    assertEquals(71 * 2.54, Quantities.height("i'm 5'11\" tall").orElseThrow().cm(), 1e-9);
    assertEquals(73 * 2.54, Quantities.height("6 ft 1 and strong").orElseThrow().cm(), 1e-9);
    assertEquals(72 * 2.54, Quantities.height("6ft").orElseThrow().cm(), 1e-9);
    assertEquals(71 * 2.54, Quantities.height(Texts.normalize("5\u203211\u2033")).orElseThrow().cm(), 1e-9);

    Calculation result = run("male, 30yo, 176 lb, 5'11\", active, bulking: tdee?");
    // 79.83 kg, 180.34 cm: 10×79.832 + 6.25×180.34 − 150 + 5 = 1780.45
    assertTrue(result.text().contains("BMR 1,780 kcal (Mifflin-St Jeor: 79.8 kg = 176 lb, 180.3 cm = 5'11\", 30 y, male)"),
        result.text());
    assertTrue(result.text().contains("BMR \u00d7 1.725, very active"), result.text());
    assertTrue(result.text().contains("For muscle gain"), result.text());
  }

  @Test
  @DisplayName("age spellings: 'age 30', '30 years old', '30yo', \"I'm 30\"")
  void ageSpellings() {
    assertEquals(30, Quantities.age("age 30").getAsInt());
    assertEquals(31, Quantities.age("31 years old").getAsInt());
    assertEquals(32, Quantities.age("32yo").getAsInt());
    assertEquals(33, Quantities.age("i'm 33, male").getAsInt());
    assertFalse(Quantities.age("i'm 80kg").isPresent());
    assertEquals(Optional.of(Sex.FEMALE), Quantities.sex("a woman of 40"));
    assertEquals(Optional.of(Sex.MALE), Quantities.sex("a male of 40"));
  }

  @Test
  @DisplayName("missing numbers: the reply says which ones it needs")
  void missingData() {
    Calculation result = run("What should my macros be? I weigh 80kg");
    assertFalse(result.complete());
    assertEquals(3, result.missing().size(), result.missing().toString());
    assertTrue(result.text().startsWith("To work out your BMR, TDEE and macros I need your height"), result.text());
    assertTrue(result.text().contains("your age"), result.text());
    assertTrue(result.text().contains("male or female"), result.text());
  }

  @Test
  @DisplayName("no activity and no goal: moderate and maintenance, and the reply says they were assumed")
  void defaults() {
    Calculation result = run("male 80kg 180cm age 30");
    assertTrue(result.text().contains("1.55, moderately active \u2014 assumed"), result.text());
    assertTrue(result.text().contains("For maintenance (no goal given)"), result.text());
  }

  @Test
  @DisplayName("a message not about energy needs is not a nutrition calculation")
  void notApplicable() {
    assertTrue(nutrition.evaluate(Texts.normalize("how do I squat deeper?")).isEmpty());
  }
}
