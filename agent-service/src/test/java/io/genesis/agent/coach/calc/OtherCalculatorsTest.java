package io.genesis.agent.coach.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OtherCalculatorsTest {

  private static Calculation run(String calculator, String text) {
    return Calculators.byName(calculator).orElseThrow().evaluate(Texts.normalize(text)).orElseThrow();
  }

  @Test
  @DisplayName("BLAZE 1RM by Epley: 100 kg x 5 → 116.7 kg, working weights rounded to 2.5 kg")
  void oneRepMax() {
    assertEquals(116.6667, OneRepMaxCalculator.epley(100, 5), 1e-4);
    String text = run("one-rep-max", "I squatted 100kg x 5 today").text();
    assertTrue(text.contains("Estimated 1RM 116.7 kg (Epley: 100 kg \u00d7 (1 + 5/30))"), text);
    assertTrue(text.contains("90 % 105 kg, 80 % 92.5 kg, 70 % 82.5 kg"), text);
    String reps = run("one-rep-max", "did 3 reps at 225 lb on bench").text();
    assertTrue(reps.contains("Estimated 1RM 247.5 lb"), reps);
    Calculation missing = run("one-rep-max", "what's my 1rm?");
    assertFalse(missing.complete());
  }

  @Test
  @DisplayName("VOLT heart-rate zones: Tanaka 208 − 0.7 × 30 = 187, classic 190")
  void heartRateZones() {
    String text = run("heart-rate-zones", "What are my heart rate zones? I'm 30 years old").text();
    assertTrue(text.contains("Max heart rate \u2248 187 bpm (Tanaka: 208 \u2212 0.7 \u00d7 30; the classic 220 \u2212 30 gives 190)"), text);
    assertTrue(text.contains("Z1 94\u2013112, Z2 112\u2013131, Z3 131\u2013150, Z4 150\u2013168, Z5 168\u2013187 bpm"), text);
    assertEquals(java.util.List.of("your age (e.g. age 30)"), run("heart-rate-zones", "zone 2 training?").missing());
  }

  @Test
  @DisplayName("VOLT pace: 10 km in 50:00 → 5:00 min/km, 8:03 min/mile, 12 km/h")
  void pace() {
    String text = run("pace", "I ran 10 km in 50:00").text();
    assertTrue(text.contains("10 km in 50:00 \u2192 pace 5:00 min/km (8:03 min/mile), 12 km/h"), text);
    String half = run("pace", "half marathon in 1:45:30, what pace?").text();
    assertTrue(half.contains("21.1 km in 1:45:30 \u2192 pace 5:00 min/km"), half);
  }

  @Test
  @DisplayName("WAVE sleep cycles: wake at 6:30 → lights out 21:15, 22:45 or 00:15")
  void sleepCycles() {
    String wake = run("sleep-cycles", "I need to wake up at 6:30am, when should I go to bed?").text();
    assertTrue(wake.contains("lights out at 21:15 (6 cycles, 9 h), 22:45 (5 cycles, 7 h 30 min) or 00:15 (4 cycles, 6 h)"), wake);
    String bed = run("sleep-cycles", "going to bed at 11pm").text();
    assertTrue(bed.contains("alarm for 05:15 (4 cycles, 6 h), 06:45 (5 cycles, 7 h 30 min) or 08:15"), bed);
    String both = run("sleep-cycles", "bed at 23:00 and wake at 6:30").text();
    assertTrue(both.contains("about 7 h 15 min of sleep = 4.8 cycles"), both);
    assertTrue(both.contains("For 5 full cycles, lights out at 22:45"), both);
  }

  @Test
  @DisplayName("STELLA progress: started at 90, now 84, goal 80 → 60 %")
  void progress() {
    assertEquals(60.0, ProgressCalculator.percent(90, 84, 80), 1e-9);
    String text = run("progress", "I started at 90kg, now 84kg, goal 80kg. How far along am I?").text();
    assertTrue(text.contains("Progress 60 % of the way (start 90 kg, now 84 kg, target 80 kg): 6 done, 4 to go."), text);
    String up = run("progress", "from 5 to 8 pull-ups, target 12, what percent?").text();
    assertTrue(up.contains("Progress 43 %"), up);
    Calculation missing = run("progress", "my goal is 80kg, how far am I?");
    assertEquals(2, missing.missing().size());
  }

  @Test
  @DisplayName("NOVA doses per kg: caffeine 3–6 mg/kg and creatine 0.03 g/kg for 80 kg")
  void supplements() {
    String text = run("supplement-dose", "I weigh 80kg, how much caffeine and creatine?").text();
    assertTrue(text.contains("3\u20136 mg/kg \u2192 240\u2013480 mg for 80 kg"), text);
    assertTrue(text.contains("keep the day under 400 mg"), text);
    assertTrue(text.contains("0.03 g/kg \u2192 2.4 g a day"), text);
    assertTrue(text.contains("0.3 g/kg \u2192 24 g a day"), text);
    assertFalse(run("supplement-dose", "is creatine safe?").complete());
  }

  @Test
  @DisplayName("AURA box breathing sized to the minutes asked: 5 min → 19 rounds of 16 s")
  void breathing() {
    String text = run("breathing", "I'm stressed, give me something for 5 minutes").text();
    assertTrue(text.contains("Box breathing, 19 rounds (about 5 min)"), text);
    assertTrue(text.contains("5-4-3-2-1"), text);
  }
}
