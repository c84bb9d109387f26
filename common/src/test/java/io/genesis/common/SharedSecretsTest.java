package io.genesis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigException;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.SharedSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Secrets other processes must share: generated only in the embedded default")
class SharedSecretsTest {
  private static final String KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDEyMzQ=";
  private static final String JWT = "jwt-secret-jwt-secret-jwt-secret-0123456789";
  private static final Set<SharedSecret> BOTH = EnumSet.allOf(SharedSecret.class);

  @TempDir
  Path dir;

  private GenesisConfig config(String... settings) {
    Map<String, String> env = new HashMap<>(Map.of("GENESIS_DATA_DIR", dir.toString()));
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return ConfigLoader.load(env);
  }

  private String refusal(GenesisConfig config, Set<SharedSecret> needed, boolean clustered) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.withSecrets(config, needed, clustered)).getMessage();
  }

  @Test
  @DisplayName("the embedded default generates both into the data directory, and reuses them")
  void embeddedGenerates() {
    GenesisConfig first = ConfigLoader.withSecrets(config(), EnumSet.of(SharedSecret.ENCRYPTION_KEY), false);
    GenesisConfig second = ConfigLoader.withSecrets(config(), BOTH, false);
    assertTrue(first.jwtSecret().length() >= 32);
    assertEquals(first.encryptionKey(), second.encryptionKey());
    assertEquals(first.jwtSecret(), second.jwtSecret());
    assertTrue(Files.exists(dir.resolve("encryption-key")) && Files.exists(dir.resolve("jwt-secret")));
  }

  @Test
  @DisplayName("with GENESIS_PG_URL, a missing encryption key stops the start, naming the setting and why, generating nothing")
  void externalDatabaseNeedsTheKey() {
    String message = refusal(config("GENESIS_PG_URL", "postgresql://genesis@db:5432/genesis"), BOTH, false);
    assertTrue(message.startsWith("GENESIS_ENCRYPTION_KEY: must be set when GENESIS_PG_URL is set"), message);
    assertFalse(message.contains("\n"), "one line");
    assertFalse(message.contains("db:5432"), "no URL in the message");
    assertFalse(Files.exists(dir.resolve("encryption-key")), "nothing generated");
    assertFalse(Files.exists(dir.resolve("jwt-secret")), "nothing generated");
  }

  @Test
  @DisplayName("the JWT secret is named when it is the one missing")
  void externalDatabaseNeedsTheJwtSecret() {
    String message = refusal(config("GENESIS_PG_URL", "postgresql://db/genesis", "GENESIS_ENCRYPTION_KEY", KEY), BOTH, false);
    assertTrue(message.startsWith("GENESIS_JWT_SECRET: must be set when GENESIS_PG_URL is set"), message);
  }

  @Test
  @DisplayName("a shared Redis or --cluster alone also means other processes share the secrets")
  void redisOrClusterAlsoShare() {
    String byRedis = refusal(config("GENESIS_REDIS_URL", "redis://cache:6379"), EnumSet.of(SharedSecret.JWT_SECRET), false);
    assertTrue(byRedis.startsWith("GENESIS_JWT_SECRET: must be set when GENESIS_REDIS_URL is set"), byRedis);
    String byCluster = refusal(config(), EnumSet.of(SharedSecret.ENCRYPTION_KEY), true);
    assertTrue(byCluster.startsWith("GENESIS_ENCRYPTION_KEY: must be set when --cluster is given"), byCluster);
  }

  @Test
  @DisplayName("set secrets pass through; secrets the process does not need stay unset")
  void setOrNotNeeded() {
    GenesisConfig both = ConfigLoader.withSecrets(config("GENESIS_PG_URL", "postgresql://db/genesis",
        "GENESIS_ENCRYPTION_KEY", KEY, "GENESIS_JWT_SECRET", JWT), BOTH, false);
    assertEquals(KEY, both.encryptionKey());
    assertEquals(JWT, both.jwtSecret());
    GenesisConfig agentOnly = ConfigLoader.withSecrets(config("GENESIS_PG_URL", "postgresql://db/genesis"),
        EnumSet.noneOf(SharedSecret.class), false);
    assertNull(agentOnly.encryptionKey());
    assertNull(agentOnly.jwtSecret());
    GenesisConfig sessionOnly = ConfigLoader.withSecrets(config("GENESIS_PG_URL", "postgresql://db/genesis",
        "GENESIS_ENCRYPTION_KEY", KEY), EnumSet.of(SharedSecret.ENCRYPTION_KEY), false);
    assertEquals(KEY, sessionOnly.encryptionKey());
    assertNull(sessionOnly.jwtSecret());
    assertFalse(Files.exists(dir.resolve("jwt-secret")));
  }
}
