package io.genesis.perf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

  private static JsonObject point(double t) {
    return new JsonObject().put("t", t).put("started", 100).put("completed", 99).put("errors", 0)
        .put("p50", 1.0).put("p90", 2.0).put("p99", 3.0).put("max", 4.0).put("inFlight", 2).put("targetRate", 100.0)
        .put("seconds", 60.0).put("p99SoFar", 3.2).put("errorsSoFar", 0).put("dropped", 0).put("late", 0);
  }

  @Test
  @DisplayName("the open-model line: elapsed/planned, rate and target, p99 so far, errors, in flight, dropped, late")
  void open() {
    assertEquals("[ 12s/60s] 99.0/s (target 100/s)  p99 3.2 ms  errors 0  in flight 2  dropped 0  late 0",
        ProgressLine.format(point(12)));
  }

  @Test
  @DisplayName("a closed model has no target; before anything completed p99 is '-'; server RSS is shown when sampled")
  void closedAndEmpty() {
    JsonObject point = point(3).put("completed", 0).put("p99SoFar", null).put("errorsSoFar", 5).put("serverRssMb", 512.3);
    point.remove("targetRate");
    assertEquals("[  3s/60s] 0.0/s  p99 -  errors 5  in flight 2  dropped 0  late 0  server RSS 512.3 MB",
        ProgressLine.format(point));
  }

  @Test
  @DisplayName("without a console, a full line every 5 seconds")
  void everyFiveSeconds() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLine progress = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    for (int t = 1; t <= 12; t++) {
      progress.print(point(t));
    }
    progress.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, out.lines().count(), out);
    assertTrue(out.startsWith("[  5s/60s]"), out);
    assertTrue(out.contains("\n[ 10s/60s]"), out);
    assertTrue(!out.contains("\r"), out);
  }

  @Test
  @DisplayName("on a console, the same line is rewritten with \\r, padded over a longer previous line")
  void rewrite() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLine progress = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    progress.print(point(1).put("errorsSoFar", 12345));
    progress.print(point(2));
    progress.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    String first = "\r" + ProgressLine.format(point(1).put("errorsSoFar", 12345));
    String second = "\r" + ProgressLine.format(point(2)) + "    ";
    assertEquals(first + second + System.lineSeparator(), out);
  }
}
