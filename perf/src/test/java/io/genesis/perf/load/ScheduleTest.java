package io.genesis.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  @DisplayName("a constant 100/s for 60 s is 6,000 arrivals, 10 ms apart, the last at the end")
  void constant() {
    Schedule schedule = Schedule.constant(100, 60);
    assertEquals(6000, schedule.totalArrivals());
    assertEquals(0.01, schedule.dueAt(0), 1e-9);
    assertEquals(0.02, schedule.dueAt(1), 1e-9);
    assertEquals(60.0, schedule.dueAt(5999), 1e-9);
    assertEquals(100, schedule.dueBy(1.0));
    assertEquals(99, schedule.dueBy(0.9999));
  }

  @Test
  @DisplayName("a ramp from 0 to 100/s over 10 s holds 500 arrivals, ever closer together")
  void ramp() {
    Schedule schedule = Schedule.parse("10s:100", 0);
    assertEquals(500, schedule.totalArrivals());
    assertEquals(5.0, schedule.dueAt(124), 1e-6); // 125 arrivals accrue in the first 5 s (a quarter)
    double previousGap = Double.MAX_VALUE;
    for (long k = 1; k < 500; k++) {
      double gap = schedule.dueAt(k) - schedule.dueAt(k - 1);
      assertTrue(gap <= previousGap + 1e-9, "arrivals get closer as the rate climbs");
      previousGap = gap;
    }
  }

  @Test
  @DisplayName("every arrival is due exactly when dueBy first counts it, across ramps, holds and jumps")
  void inverse() {
    Schedule schedule = Schedule.parse("5s:100,5s:100,0s:1500,2s:1500,3s:0", 50);
    assertEquals(5, schedule.stages().size());
    long total = schedule.totalArrivals();
    assertEquals(Math.round(5 * 75 + 5 * 100 + 2 * 1500 + 3 * 750.0), total);
    for (long k = 0; k < total; k++) {
      double at = schedule.dueAt(k);
      assertTrue(schedule.dueBy(at + 1e-7) >= k + 1, "arrival " + k + " counted by its time");
      assertTrue(schedule.dueBy(at - 1e-4) <= k, "arrival " + k + " not counted before its time");
    }
    assertEquals(3, schedule.stageIndexAt(10.5));
    assertEquals(1500, schedule.rateAt(11), 1e-9);
  }

  @Test
  @DisplayName("an arrival due exactly at a stage's end belongs to that stage, and the stages' arrivals add up")
  void stageOfArrival() {
    Schedule schedule = new Schedule(List.of(Stage.constant(2, 5, "a"), Stage.constant(2, 10, "b"), Stage.constant(2, 5, "c")));
    assertEquals(9, (long) Math.round(schedule.dueAt(9) * 5) - 1, "arrival 9 is due at 2 s, the end of stage a");
    assertEquals(0, schedule.stageOfArrival(9));
    assertEquals(1, schedule.stageOfArrival(10));
    assertEquals(1, schedule.stageOfArrival(29));
    assertEquals(2, schedule.stageOfArrival(30));
    assertEquals(10, schedule.arrivalsIn(0));
    assertEquals(20, schedule.arrivalsIn(1));
    assertEquals(10, schedule.arrivalsIn(2));
    assertEquals(schedule.totalArrivals(), schedule.arrivalsIn(0) + schedule.arrivalsIn(1) + schedule.arrivalsIn(2));
  }

  @Test
  @DisplayName("rates that are not finite, or beyond a million a second, are refused")
  void badRates() {
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("10s:NaN", 0));
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant(Double.POSITIVE_INFINITY, 10));
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant(2e6, 10));
  }

  @Test
  @DisplayName("stages that are not DURATION:RATE pairs are refused with the reason")
  void badStages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("30s", 0));
    assertTrue(e.getMessage().contains("DURATION:RATE"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("30x:100", 0));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(List.of()));
  }
}
