package io.genesis.perf.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConsoleReportTest {

  @Test
  @DisplayName("a clean run shows its figures, tables, result and thresholds, and no warning")
  void clean() {
    JsonObject summary = Thresholds.parse(List.of("p99<50ms", "errors<0.01%")).applyTo(Summaries.baseline());
    String text = ConsoleReport.render(summary);
    assertFalse(text.contains("WARNING"), text);
    for (String expected : List.of("GENESIS perf: baseline", "http://127.0.0.1:8080", "2026-12-06T17:30:00Z",
        "open, 100/s for 60 s, 6000 arrivals, at most 10000 in flight (after a 5 s warm-up)",
        "scheduled 6000, started 6000, completed 6000, unfinished 0, dropped 0",
        "3 sent more than 10 ms after they were due (0.05% of started), worst 12.5 ms",
        "99.97/s completed, target 100/s", "pid 123, RSS 500.5 MB first, 530 MB last, 531 MB max",
        "Latency (ms", "p99.9", "429: 1, timeout: 1", "0.0333%", "Values", "tokensPerSecond", "tokens/s",
        "Stages", "Result", "highestRateHeld", "p99LimitMillis", "steps", "held",
        "Thresholds", "\u2713  p99<50ms", "\u2717  errors<0.01%", "0.0333%", "FAILED: 1 of 2 thresholds passed")) {
      assertTrue(text.contains(expected), () -> "missing '" + expected + "' in\n" + text);
    }
    // One table row per request name, aligned: all, message, history.
    assertTrue(text.lines().anyMatch(l -> l.startsWith("  all ") && l.contains("6000") && l.contains("12")), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("  message ") && l.contains("250")), text);
    assertTrue(text.lines().anyMatch(l -> l.strip().startsWith("1000") && l.contains("310") && l.contains("false")), text);
  }

  @Test
  @DisplayName("dropped requests give a WARNING that the generator could not keep the schedule")
  void droppedWarning() {
    String text = ConsoleReport.render(Summaries.baseline().put("dropped", 25));
    assertTrue(text.contains("WARNING: the load generator could not keep the schedule: 25 due requests were dropped"), text);
    assertTrue(text.contains("understate the latency"), text);
  }

  @Test
  @DisplayName("more than 1% late, or unfinished requests, also warn; 1% or less late does not")
  void lateAndUnfinished() {
    JsonObject late = Summaries.baseline();
    late.getJsonObject("late").put("count", 61);
    assertTrue(ConsoleReport.render(late).contains("WARNING: the load generator could not keep the schedule: 61 of 6000"));
    late.getJsonObject("late").put("count", 60);
    assertFalse(ConsoleReport.render(late).contains("WARNING"));
    assertTrue(ConsoleReport.render(Summaries.baseline().put("unfinished", 4))
        .contains("4 requests were still in flight at the end"));
  }

  @Test
  @DisplayName("a closed model without thresholds renders without target rate, stages or verdict")
  void closed() {
    String text = ConsoleReport.render(Summaries.closed());
    assertTrue(text.contains("closed, 10 VUs for 60 s"), text);
    assertTrue(text.contains("99.97/s completed\n"), text);
    assertFalse(text.contains("Stages"), text);
    assertFalse(text.contains("PASSED") || text.contains("FAILED"), text);
  }

  @Test
  @DisplayName("a sparse summary (nothing measured) renders without failing")
  void sparse() {
    String text = ConsoleReport.render(new JsonObject().put("scenario", "spike").put("completed", 0));
    assertTrue(text.contains("GENESIS perf: spike"), text);
    assertTrue(text.contains("WARNING: no request completed"), text);
  }
}
