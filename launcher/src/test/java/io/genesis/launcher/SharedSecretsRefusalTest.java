package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.SharedSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A process that would generate a secret other processes share refuses to start")
class SharedSecretsRefusalTest {
  /** Nothing listens there: the refusal must come before any connection. */
  private static final String PG_URL = "postgresql://postgres@127.0.0.1:1/genesis";
  private static final String REDIS_URL = "redis://127.0.0.1:1";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "genesis.jar {0} with {1} set refuses, naming {3}")
  @CsvSource(delimiter = '|', value = {
      "serve session-service | GENESIS_PG_URL    | -                      | GENESIS_ENCRYPTION_KEY",
      "serve all             | GENESIS_PG_URL    | -                      | GENESIS_ENCRYPTION_KEY",
      "serve gateway         | GENESIS_REDIS_URL | GENESIS_ENCRYPTION_KEY | GENESIS_JWT_SECRET",
      "serve gateway         | GENESIS_REDIS_URL | GENESIS_JWT_SECRET     | GENESIS_ENCRYPTION_KEY",
      "token --user u1       | GENESIS_PG_URL    | GENESIS_ENCRYPTION_KEY | GENESIS_JWT_SECRET",
      "rotate-keys           | GENESIS_PG_URL    | GENESIS_JWT_SECRET     | GENESIS_ENCRYPTION_KEY"})
  @DisplayName("exit code 2 and one line naming the setting, nothing generated")
  void refuses(String line, String shared, String alsoSet, String named) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(line.split(" ")));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Path data = dir.resolve("data");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("GENESIS_"));
    env.put("GENESIS_DATA_DIR", data.toString());
    env.put(shared, shared.equals("GENESIS_PG_URL") ? PG_URL : REDIS_URL);
    if (alsoSet.equals("GENESIS_ENCRYPTION_KEY")) {
      env.put(alsoSet, TestApp.ENCRYPTION_KEY);
    } else if (alsoSet.equals("GENESIS_JWT_SECRET")) {
      env.put(alsoSet, TestApp.SECRET);
    }
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(line + " did not exit: it started instead of refusing\n" + Files.readString(out));
    }
    List<String> errors = Files.readAllLines(err);
    assertEquals(2, process.exitValue(), () -> String.join("\n", errors));
    assertEquals(1, errors.stream().filter(l -> !l.startsWith("OpenJDK")).count(), () -> String.join("\n", errors));
    String refusal = errors.stream().filter(l -> l.startsWith("genesis: ")).findFirst().orElse("");
    assertTrue(refusal.startsWith("genesis: " + named + ": must be set when " + shared + " is set"), refusal);
    assertFalse(refusal.contains("127.0.0.1"), "names the setting, not the server");
    assertFalse(Files.exists(data.resolve("encryption-key")) || Files.exists(data.resolve("jwt-secret")), "nothing generated");
  }

  @Test
  @DisplayName("each command needs what it shares: session service the key; gateway the key and (without a JWKS) the JWT secret; agents neither")
  void secretsNeeded() {
    GenesisConfig hs256 = ConfigLoader.load(Map.of());
    GenesisConfig jwks = ConfigLoader.load(Map.of("GENESIS_JWKS_URL", "https://issuer.example/jwks.json"));
    assertEquals(EnumSet.of(SharedSecret.ENCRYPTION_KEY), Main.secretsNeeded(Cli.parse("serve", "session-service"), hs256));
    assertEquals(EnumSet.allOf(SharedSecret.class), Main.secretsNeeded(Cli.parse("serve", "gateway"), hs256));
    assertEquals(EnumSet.of(SharedSecret.ENCRYPTION_KEY), Main.secretsNeeded(Cli.parse("serve", "gateway"), jwks));
    assertEquals(Set.of(), Main.secretsNeeded(Cli.parse("serve", "agent-service", "--cluster"), hs256));
    assertEquals(EnumSet.allOf(SharedSecret.class), Main.secretsNeeded(Cli.parse("serve", "all"), hs256));
    assertEquals(EnumSet.of(SharedSecret.JWT_SECRET), Main.secretsNeeded(Cli.parse("token", "--user", "u1"), hs256));
    assertEquals(EnumSet.of(SharedSecret.ENCRYPTION_KEY), Main.secretsNeeded(Cli.parse("rotate-keys"), hs256));
  }
}
