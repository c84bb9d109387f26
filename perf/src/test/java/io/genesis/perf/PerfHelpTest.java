package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code java … PerfMain COMMAND --help} in a child JVM, as an operator types it: usage on stdout, exit 0. */
@DisplayName("perf: every command answers --help (and -h) with its usage and exit code 0")
class PerfHelpTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PerfMain.class.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", args) + " did not exit (it started something instead of answering --help)");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} --help")
  @ValueSource(strings = {"baseline", "stress", "spike", "soak", "journey", "streaming", "connections", "ceiling",
      "fake-upstream", "table", "profile"})
  void commandHelp(String name) throws Exception {
    Run help = run(name, "--help");
    assertEquals(0, help.code(), () -> help.out() + help.err());
    assertTrue(help.out().startsWith("Usage: java -jar genesis-perf.jar " + name), help::out);
    assertTrue(help.out().contains("\n  " + name), () -> "describes " + name + ": " + help.out());
    assertEquals("", help.err());
    Run shortForm = run(name, "-h");
    assertEquals(0, shortForm.code(), shortForm::err);
    assertEquals(help.out(), shortForm.out());
  }

  @ParameterizedTest(name = "{0} … --help after other options")
  @ValueSource(strings = {"ceiling --port 0 --help", "baseline --target http://127.0.0.1:1 --help",
      "fake-upstream --ttft 5ms --help"})
  void helpAfterOptions(String line) throws Exception {
    Run help = run(line.split(" "));
    assertEquals(0, help.code(), () -> help.out() + help.err());
    assertTrue(help.out().startsWith("Usage: java -jar genesis-perf.jar " + line.split(" ")[0]), help::out);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--help", "-h"})
  void wholeUsage(String flag) throws Exception {
    Run help = run(flag);
    assertEquals(0, help.code());
    assertTrue(help.out().contains("fake-upstream") && help.out().contains("COMMAND --help"), help::out);
  }

  @ParameterizedTest(name = "{0} --help is still an unknown command")
  @ValueSource(strings = {"bench"})
  void unknownCommand(String name) throws Exception {
    Run help = run(name, "--help");
    assertEquals(PerfMain.USAGE_ERROR, help.code());
    assertTrue(help.err().contains("unknown command '" + name + "'"), help::err);
  }
}
