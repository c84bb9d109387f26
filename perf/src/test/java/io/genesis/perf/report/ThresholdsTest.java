package io.genesis.perf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThresholdsTest {

  private static JsonObject one(String expression, JsonObject summary) {
    JsonArray results = Thresholds.parse(List.of(expression)).evaluate(summary);
    assertEquals(1, results.size());
    return results.getJsonObject(0);
  }

  private static boolean passes(String expression) {
    JsonObject result = one(expression, Summaries.baseline());
    assertEquals(expression, result.getString("expression"));
    return result.getBoolean("passed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p99<50ms", "p95<=200ms", "errors<0.1%", "rate>=95", "message.p99<300ms", "ttft.p95<1s",
      "dropped==0", "late<1%", "result.highestRateHeld>=900", "p99.9 < 300 ms", "message.p99.9<1s", "p50>100us",
      "max!=0", "min>=0", "mean<5", "count>=6000", "errors==0.000333", "rate>=95%", "history.count==2000",
      "tokensPerSecond.p50>20", "stages.0.latency.p99<100ms", "result.steps.1.held==1", "late<10", "dropped<0.1%",
      "p99<1.5e1ms", "p99<20µs"})
  @DisplayName("good expressions parse")
  void goodExpressions(String expression) {
    Thresholds thresholds = Thresholds.parse(List.of(expression));
    assertEquals(1, thresholds.list().size());
    assertEquals(expression.strip(), thresholds.list().get(0).expression());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "p99", "p99<", "<5ms", "p99<<5ms", "p99=5ms", "p99<5min", "p99<abc", "p99<5%",
      "count<5ms", "errors<5", "errors<5ms", "message.rate>=95%", "late<5ms", "message..p99<5ms", ".p99<5ms",
      "p99<5ms extra", "p 99<5ms"})
  @DisplayName("bad expressions throw IllegalArgumentException naming the expression")
  void badExpressions(String expression) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(List.of("p99<50ms", expression)));
    assertTrue(e.getMessage().startsWith("bad threshold '" + expression + "'"), e.getMessage());
  }

  @Test
  @DisplayName("the message for a bad expression shows the syntax or the unit to use")
  void clearMessages() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(List.of("p99")))
        .getMessage().contains("[series.]stat OP value[unit]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(List.of("p99<5min")))
        .getMessage().contains("unknown unit 'min'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(List.of("errors<5")))
        .getMessage().contains("write 5%"));
  }

  @Test
  @DisplayName("latency stats of the default series pass and fail, units converted to ms")
  void latencyUnits() {
    assertTrue(passes("p99<50ms"));
    assertFalse(passes("p99<10ms"));
    assertTrue(passes("p99<=12ms"));
    assertFalse(passes("p99<12ms"));
    assertTrue(passes("p99==12"));
    assertTrue(passes("p99<1s"));
    assertFalse(passes("p99<0.01s"));
    assertTrue(passes("p99<12001us"));
    assertFalse(passes("p99<11999us"));
    assertTrue(passes("p50>=3200us"));
    assertTrue(passes("p99.9<=18ms"));
    assertFalse(passes("max<20ms"));
  }

  @Test
  @DisplayName("actual is reported in the expression's unit")
  void actualInUnit() {
    JsonObject seconds = one("ttft.p95<1s", Summaries.baseline());
    assertEquals(0.345, seconds.getDouble("actual"), 1e-9);
    assertEquals("s", seconds.getString("unit"));
    assertTrue(seconds.getBoolean("passed"));
    JsonObject percent = one("errors<0.1%", Summaries.baseline());
    assertEquals(0.0333, percent.getDouble("actual"), 1e-9);
    assertEquals("%", percent.getString("unit"));
    assertTrue(percent.getBoolean("passed"));
    assertNull(percent.getString("note"));
  }

  @Test
  @DisplayName("errors is the error ratio; % is a ratio; late and dropped are counts or, with %, ratios")
  void ratios() {
    assertTrue(passes("errors<0.1%"));
    assertFalse(passes("errors<0.01%"));
    assertTrue(passes("errors<0.001"));
    assertFalse(passes("errors==0"));
    assertTrue(passes("history.errors==0"));
    assertTrue(passes("late<1%"));
    assertFalse(passes("late<0.01%"));
    assertEquals(0.05, one("late<1%", Summaries.baseline()).getDouble("actual"), 1e-9);
    assertTrue(passes("late==3"));
    assertTrue(passes("dropped==0"));
    JsonObject dropping = Summaries.baseline().put("dropped", 60);
    assertFalse(one("dropped==0", dropping).getBoolean("passed"));
    assertEquals(1.0, one("dropped<2%", dropping).getDouble("actual"), 1e-9);
    assertTrue(one("dropped<2%", dropping).getBoolean("passed"));
  }

  @Test
  @DisplayName("rate is requests per second; rate with % compares achieved with target")
  void rate() {
    assertTrue(passes("rate>=95"));
    assertFalse(passes("rate>=101"));
    assertTrue(passes("rate>=99.9%"));
    assertFalse(passes("rate>=99.99%"));
    JsonObject closed = one("rate>=95%", Summaries.closed());
    assertFalse(closed.getBoolean("passed"));
    assertNull(closed.getValue("actual"));
    assertTrue(closed.getString("note").contains("no target rate"), closed.encode());
  }

  @Test
  @DisplayName("named series are looked up in latency, then values; paths reach scenario results")
  void seriesAndPaths() {
    assertTrue(passes("message.p99<300ms"));
    assertFalse(passes("message.p99<200ms"));
    assertTrue(passes("ttft.p95<1s"));
    assertFalse(passes("ttft.p50<100ms"));
    assertTrue(passes("tokensPerSecond.p50>20"));
    assertTrue(passes("result.highestRateHeld>=900"));
    assertFalse(passes("result.highestRateHeld>900"));
    assertTrue(passes("stages.0.latency.p99<100ms"));
    assertTrue(passes("result.steps.1.held==1"));
    assertFalse(passes("result.steps.2.held==1"));
    assertTrue(passes("result.steps.2.p99>0.3s"));
  }

  @Test
  @DisplayName("a missing series, stat or path fails with actual null and says what is missing")
  void missing() {
    JsonObject series = one("login.p99<100ms", Summaries.baseline());
    assertFalse(series.getBoolean("passed"));
    assertTrue(series.containsKey("actual"));
    assertNull(series.getValue("actual"));
    assertEquals("no series 'login' in latency or values", series.getString("note"));

    JsonObject path = one("result.recoverySeconds<5", Summaries.baseline());
    assertFalse(path.getBoolean("passed"));
    assertNull(path.getValue("actual"));
    assertTrue(path.getString("note").contains("result.recoverySeconds"), path.encode());

    JsonObject noRate = one("ttft.rate>1", Summaries.baseline());
    assertFalse(noRate.getBoolean("passed"));
    assertTrue(noRate.getString("note").contains("values.ttft has no rate"), noRate.encode());

    JsonObject empty = Summaries.baseline();
    empty.getJsonObject("latency").put("history", Summaries.stats(0, 0, 0, 0));
    JsonObject nothing = one("history.p99<100ms", empty);
    assertFalse(nothing.getBoolean("passed"));
    assertTrue(nothing.getString("note").contains("nothing was measured"), nothing.encode());

    JsonObject notATime = one("tokensPerSecond.p50>1s", Summaries.baseline());
    assertFalse(notATime.getBoolean("passed"));
    assertTrue(notATime.getString("note").contains("tokens/s"), notATime.encode());

    JsonObject notANumber = one("scenario.x==1", Summaries.baseline());
    assertFalse(notANumber.getBoolean("passed"));
  }

  @Test
  @DisplayName("applyTo adds thresholds in order and passed only when all pass")
  void applyTo() {
    JsonObject summary = Thresholds.parse(List.of("p99<50ms", "errors<0.01%", "dropped==0")).applyTo(Summaries.baseline());
    JsonArray results = summary.getJsonArray("thresholds");
    assertEquals(3, results.size());
    assertEquals("errors<0.01%", results.getJsonObject(1).getString("expression"));
    assertEquals(List.of(true, false, true), results.stream().map(r -> ((JsonObject) r).getBoolean("passed")).toList());
    assertFalse(summary.getBoolean("passed"));

    assertTrue(Thresholds.parse(List.of("p99<50ms", "dropped==0")).applyTo(Summaries.baseline()).getBoolean("passed"));
    JsonObject none = Thresholds.none().applyTo(Summaries.baseline());
    assertTrue(none.getBoolean("passed"));
    assertTrue(none.getJsonArray("thresholds").isEmpty());
    assertTrue(Thresholds.parse(List.of()).isEmpty());
  }
}
