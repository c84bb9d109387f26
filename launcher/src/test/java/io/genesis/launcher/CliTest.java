package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The launcher's command line")
class CliTest {
  @Test
  @DisplayName("no arguments serves everything, unclustered")
  void defaults() {
    Cli.Serve serve = assertInstanceOf(Cli.Serve.class, Cli.parse());
    assertEquals(EnumSet.allOf(Service.class), serve.services());
    assertFalse(serve.clustered());
  }

  @Test
  @DisplayName("serve takes one service or all, and --cluster")
  void serve() {
    Cli.Serve serve = assertInstanceOf(Cli.Serve.class, Cli.parse("serve", "session-service", "--cluster"));
    assertEquals(Set.of(Service.SESSION), serve.services());
    assertTrue(serve.clustered());
    assertEquals(Set.of(Service.GATEWAY), ((Cli.Serve) Cli.parse("serve", "gateway")).services());
    assertEquals(EnumSet.allOf(Service.class), ((Cli.Serve) Cli.parse("serve", "all")).services());
  }

  @Test
  @DisplayName("a clustered session service needs shared PostgreSQL and Redis URLs")
  void clusteredSessionNeedsSharedStores() {
    io.genesis.common.config.GenesisConfig embedded = io.genesis.common.config.ConfigLoader.load(
        java.util.Map.of("GENESIS_CLUSTER_MEMBERS", "127.0.0.1:5701"));
    assertTrue(assertThrows(io.genesis.common.config.ConfigException.class,
        () -> Genesis.check(embedded, Set.of(Service.SESSION), true)).getMessage().startsWith("GENESIS_PG_URL:"));
    Genesis.check(embedded, Set.of(Service.SESSION), false);
    Genesis.check(embedded, Set.of(Service.GATEWAY, Service.AGENT), true);
  }

  @Test
  @DisplayName("--cluster without GENESIS_CLUSTER_MEMBERS is refused naming the setting (never multicast), for every service")
  void clusterNeedsMembers() {
    io.genesis.common.config.GenesisConfig none = io.genesis.common.config.ConfigLoader.load(java.util.Map.of());
    for (Service service : Service.values()) {
      String refused = assertThrows(io.genesis.common.config.ConfigException.class,
          () -> Genesis.check(none, Set.of(service), true)).getMessage();
      assertTrue(refused.startsWith("GENESIS_CLUSTER_MEMBERS: is required with --cluster"), refused);
    }
    Genesis.check(none, Set.of(Service.GATEWAY), false);
  }

  @Test
  @DisplayName("token takes --user, --roles and --ttl")
  void token() {
    Cli.Token token = assertInstanceOf(Cli.Token.class, Cli.parse("token", "--user", "u1", "--roles", "user,admin", "--ttl", "60"));
    assertEquals(new Cli.Token("u1", List.of("user", "admin"), 60), token);
    assertEquals(new Cli.Token("u2", List.of("user"), 3600), Cli.parse("token", "--user", "u2"));
  }

  @Test
  @DisplayName("rotate-keys takes --batch from 1 to 10000, 500 by default")
  void rotateKeys() {
    assertEquals(new Cli.Databases(), Cli.parse("databases"));
    assertThrows(Cli.UsageException.class, () -> Cli.parse("databases", "--cluster"));
    assertEquals(new Cli.RotateKeys(500), Cli.parse("rotate-keys"));
    assertEquals(new Cli.RotateKeys(50), Cli.parse("rotate-keys", "--batch", "50"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("rotate-keys", "--batch", "0")).getMessage().contains("--batch"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("rotate-keys", "--batch")).getMessage().contains("--batch"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("rotate-keys", "--all")).getMessage().contains("--all"));
    assertTrue(Cli.USAGE.contains("rotate-keys [--batch N]"));
  }

  @Test
  @DisplayName("an unknown flag, command or service is an error naming it")
  void errors() {
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("--verbose")).getMessage().contains("--verbose"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("serve", "gateway", "--fast")).getMessage().contains("--fast"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("serve", "mailer")).getMessage().contains("mailer"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("launch")).getMessage().contains("launch"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("token")).getMessage().contains("--user"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("token", "--user", "u", "--ttl", "soon")).getMessage().contains("--ttl"));
    assertTrue(assertThrows(Cli.UsageException.class, () -> Cli.parse("--help", "--x")).getMessage().contains("--x"));
    assertInstanceOf(Cli.Help.class, Cli.parse("--help"));
  }

  @Test
  @DisplayName("--help or -h after a command asks for that command's usage, wherever it stands")
  void commandHelp() {
    assertEquals(new Cli.Help("serve"), Cli.parse("serve", "--help"));
    assertEquals(new Cli.Help("serve"), Cli.parse("serve", "gateway", "--cluster", "-h"));
    assertEquals(new Cli.Help("token"), Cli.parse("token", "--help"));
    assertEquals(new Cli.Help("token"), Cli.parse("token", "--user", "--help"));
    assertEquals(new Cli.Help("rotate-keys"), Cli.parse("rotate-keys", "--batch", "5", "--help"));
    assertTrue(Cli.parse("token", "-h") instanceof Cli.Help help && help.usage().startsWith("Usage: java -jar genesis.jar token"));
    assertEquals(Cli.USAGE, new Cli.Help().usage());
  }

  /** The launcher's main in a child JVM, as an operator runs it: usage on stdout, exit code 0, nothing started. */
  @org.junit.jupiter.params.ParameterizedTest(name = "genesis.jar {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"--help", "-h", "help", "serve --help", "serve gateway --help",
      "serve all --cluster -h", "token --help", "token --user u1 --help", "rotate-keys --help", "rotate-keys -h"})
  void helpExitsZero(String line, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(line.split(" ")));
    java.nio.file.Path out = dir.resolve("out.txt");
    java.nio.file.Path err = dir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("GENESIS_DATA_DIR", dir.resolve("data").toString());
    Process process = builder.start();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(line + " did not exit: it started something instead of printing its usage");
    }
    String printed = java.nio.file.Files.readString(out);
    String errors = java.nio.file.Files.readString(err);
    assertEquals(0, process.exitValue(), () -> printed + errors);
    String[] words = line.split(" ");
    String expected = words[0].startsWith("-") || words[0].equals("help") ? "Usage: java -jar genesis.jar [COMMAND]"
        : "Usage: java -jar genesis.jar " + words[0];
    assertTrue(printed.startsWith(expected), printed);
    assertFalse(java.nio.file.Files.exists(dir.resolve("data")), "help created no data directory");
  }
}
