package io.genesis.agent.coach.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Trend arithmetic on progress records: least-squares slope per week, rate against the goal, plateau")
class TrendsTest {
  private static final Instant T0 = Instant.parse("2026-01-05T07:00:00Z");

  /** Weight records one per {@code days}, oldest value first; answered newest first, as stored. */
  private static List<ProgressView> weights(int days, double... kg) {
    List<ProgressView> records = new ArrayList<>();
    for (int i = 0; i < kg.length; i++) {
      records.add(0, new ProgressView("r" + i, "weight", kg[i], "kg", T0.plus(Duration.ofDays((long) days * i)), null, T0));
    }
    return records;
  }

  @Test
  @DisplayName("the slope of points on a line is its gradient per week, whatever the spacing")
  void exactLine() {
    List<Instant> times = List.of(T0, T0.plus(Duration.ofDays(3)), T0.plus(Duration.ofDays(14)));
    List<Double> values = List.of(90.0, 90.0 - 3 / 7.0, 88.0);
    assertEquals(-1.0, Trends.slopePerWeek(times, values), 1e-9);
  }

  @Test
  @DisplayName("noisy weekly weigh-ins: Σ(t−t̄)(v−v̄)/Σ(t−t̄)² = −5.1/10 = −0.51 kg a week")
  void leastSquares() {
    Trends.Trend trend = Trends.over(weights(7, 84.0, 83.5, 83.0, 82.4, 82.0), 4);
    assertEquals(-0.51, trend.perWeek(), 1e-9);
    assertEquals(5, trend.points());
    assertEquals(4.0, trend.weeks(), 1e-9);
    assertEquals(84.0, trend.first());
    assertEquals(82.0, trend.last());
  }

  @Test
  @DisplayName("only the weeks before the newest record count; one record or one instant is no trend")
  void window() {
    Trends.Trend trend = Trends.over(weights(7, 100, 90, 84.0, 83.5, 83.0), 2);
    assertEquals(3, trend.points());
    assertEquals(-0.5, trend.perWeek(), 1e-9);
    assertNull(Trends.over(weights(7, 80), 4));
    assertTrue(Double.isNaN(Trends.slopePerWeek(List.of(T0, T0), List.of(1.0, 2.0))));
  }

  @Test
  @DisplayName("STELLA's answer: the rate against a fat-loss goal, and a plateau of three flat weeks")
  void againstGoalAndPlateau() {
    Facts losing = new Facts(new Profile(30, "male", 180.0, 80.0, null, "lose_fat", null, null), weights(7, 84.0, 83.5, 83.0, 82.4, 82.0));
    String answer = RecordTrendCalculator.weight(losing);
    assertTrue(answer.contains("\u22120.5 kg a week (least-squares slope of 5 weigh-ins)"), answer);
    assertTrue(answer.contains("right on pace: 0.62 % of your weight a week"), answer);

    Facts flat = new Facts(losing.profile(), weights(7, 86.0, 85.0, 84.0, 84.05, 83.98, 84.02));
    assertTrue(RecordTrendCalculator.weight(flat).contains("Plateau: your weight has barely moved for 3 weeks"),
        RecordTrendCalculator.weight(flat));

    Facts imperial = new Facts(new Profile(null, null, null, null, null, "gain_muscle", "imperial", null), weights(7, 70, 70.3, 70.6));
    String pounds = RecordTrendCalculator.weight(imperial);
    assertTrue(pounds.contains("70 kg (154.3 lb) \u2192 70.6 kg (155.6 lb)"), pounds);
    assertTrue(pounds.contains("For muscle gain that is on pace"), pounds);
  }
}
