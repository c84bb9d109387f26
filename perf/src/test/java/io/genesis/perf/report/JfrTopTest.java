package io.genesis.perf.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("perf profile: a JFR recording's CPU samples by thread group, self and inclusive methods")
class JfrTopTest {
  @TempDir
  Path dir;

  /** Work the JIT cannot remove: the sum is returned and checked. */
  static long spin(long until) {
    long sum = 0;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 10_000; i++) {
        sum += Long.rotateLeft(sum ^ i, 7);
      }
    }
    return sum;
  }

  @Test
  @DisplayName("a thread busy in one method shows as its group, and the method on top of the kept samples")
  void busyThread() throws Exception {
    Path file = dir.resolve("busy.jfr");
    long[] result = new long[1];
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.start();
      Thread busy = new Thread(() -> result[0] = spin(System.nanoTime() + 600_000_000L), "jfrtop-busy-3");
      busy.start();
      busy.join();
      recording.stop();
      recording.dump(file);
    }
    assertTrue(result[0] != 42, "the spin ran");

    String report = JfrTop.read(file, "jfrtop-busy").render(10, "io.genesis.perf");
    assertTrue(report.contains("jfrtop-busy\n"), report);
    String self = report.substring(report.indexOf("self"), report.indexOf("inclusive"));
    assertTrue(self.contains("io.genesis.perf.report.JfrTopTest.spin"), report);
    String inclusive = report.substring(report.indexOf("inclusive"));
    assertTrue(inclusive.contains("io.genesis.perf.report.JfrTopTest.lambda$busyThread"), report);
    assertTrue(!inclusive.contains("java.lang.Thread.run"), "only the --package methods: " + report);
  }
}
