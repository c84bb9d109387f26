package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The alert rules through Prometheus's own checker, where it is installed (Debian's {@code prometheus}
 * package provides {@code promtool}; {@code .ci/run} installs it when it can). Skipped, not passed,
 * without it.
 */
@DisplayName("promtool accepts the alert rules and their unit tests")
class PromtoolTest {
  private static final Path RULES = Path.of("..", "ops", "prometheus");

  @Test
  @DisplayName("promtool check rules, and promtool test rules: each alert fires on the series meant to fire it")
  void promtool() throws IOException, InterruptedException {
    Path promtool = onPath("promtool");
    assumeTrue(promtool != null, "promtool is not installed (apt-get install prometheus)");
    run(List.of(promtool.toString(), "check", "rules", "alerts.yml"));
    run(List.of(promtool.toString(), "test", "rules", "alerts.test.yml"));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, process.waitFor(60, TimeUnit.SECONDS), "promtool finished");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
  }

  private static Path onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst().orElse(null);
  }
}
