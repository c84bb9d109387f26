package io.genesis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ClusterSettings;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.OverloadSettings;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.HttpSettings;
import io.genesis.common.config.ObservabilitySettings;
import io.genesis.common.config.PrivacySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Configuration from the environment and GENESIS_CONFIG")
class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("defaults are the README's; dev tokens stay off unless set (the launcher decides for the embedded default)")
  void defaults() {
    GenesisConfig config = ConfigLoader.load(Map.of());
    assertEquals("127.0.0.1", config.httpHost());
    assertEquals(8080, config.httpPort());
    assertEquals("./data", config.dataDir());
    assertNull(config.pgUrl());
    assertNull(config.devTokens());
    assertFalse(config.devTokensEnabled());
    assertTrue(ConfigLoader.load(Map.of("GENESIS_DEV_TOKENS", "true")).devTokensEnabled());
    assertEquals(100, config.rateLimitPerMinute());
    assertEquals(65536, config.maxBodyBytes());
    assertEquals("json", config.logFormat());
  }

  @Test
  @DisplayName("overload settings: the README's defaults, set values taken, a value out of range fails naming the setting")
  void overload() {
    OverloadSettings defaults = ConfigLoader.load(Map.of()).overload();
    assertEquals(new OverloadSettings(256, 1_000, 1_000, 1_500), defaults);
    OverloadSettings set = ConfigLoader.load(Map.of("GENESIS_MAX_REQUESTS_IN_FLIGHT", "3", "GENESIS_MAX_STREAMS_IN_FLIGHT", "2",
        "GENESIS_STORE_TIMEOUT_MS", "700", "GENESIS_REDIS_TIMEOUT_MS", "400")).overload();
    assertEquals(new OverloadSettings(3, 2, 700, 400), set);
    assertMessage("GENESIS_MAX_REQUESTS_IN_FLIGHT: must be between 1 and 100000, got 0", Map.of("GENESIS_MAX_REQUESTS_IN_FLIGHT", "0"));
    assertTrue(message(Map.of("GENESIS_MAX_STREAMS_IN_FLIGHT", "many")).startsWith("GENESIS_MAX_STREAMS_IN_FLIGHT:"));
    assertTrue(message(Map.of("GENESIS_STORE_TIMEOUT_MS", "10")).startsWith("GENESIS_STORE_TIMEOUT_MS:"));
    assertTrue(message(Map.of("GENESIS_REDIS_TIMEOUT_MS", "-1")).startsWith("GENESIS_REDIS_TIMEOUT_MS:"));
  }

  @Test
  @DisplayName("a bad value fails with one line naming the setting")
  void badValues() {
    assertMessage("GENESIS_HTTP_PORT: must be a whole number, got 'eighty'", Map.of("GENESIS_HTTP_PORT", "eighty"));
    assertMessage("GENESIS_HTTP_PORT: must be between 0 and 65535, got 70000", Map.of("GENESIS_HTTP_PORT", "70000"));
    assertMessage("GENESIS_DEV_TOKENS: must be true or false, got 'maybe'", Map.of("GENESIS_DEV_TOKENS", "maybe"));
    assertMessage("GENESIS_LOG_FORMAT: must be one of json, text, got 'xml'", Map.of("GENESIS_LOG_FORMAT", "xml"));
    assertMessage("GENESIS_JWT_SECRET: must be at least 32 bytes long", Map.of("GENESIS_JWT_SECRET", "short"));
    assertTrue(message(Map.of("GENESIS_PG_URL", "mysql://x")).startsWith("GENESIS_PG_URL:"));
    assertTrue(message(Map.of("GENESIS_ENCRYPTION_KEY", "AAAA")).startsWith("GENESIS_ENCRYPTION_KEY:"));
    assertTrue(message(Map.of("GENESIS_CONFIG", dir.resolve("missing.yaml").toString())).startsWith("GENESIS_CONFIG:"));
  }

  @Test
  @DisplayName("GENESIS_SHUTDOWN_GRACE: 20 s by default; 500ms, 2s, 1m or whole seconds; up to 10 minutes; a bad one names the setting")
  void shutdownGrace() {
    assertEquals(20_000, ConfigLoader.load(Map.of()).shutdownGraceMillis());
    assertEquals(500, ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "500ms")).shutdownGraceMillis());
    assertEquals(2_000, ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "2s")).shutdownGraceMillis());
    assertEquals(60_000, ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "1m")).shutdownGraceMillis());
    assertEquals(30_000, ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "30")).shutdownGraceMillis());
    assertEquals(0, ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "0s")).shutdownGraceMillis());
    assertEquals(5_000, GenesisConfig.fromJson(ConfigLoader.load(Map.of("GENESIS_SHUTDOWN_GRACE", "5s")).toJson()).shutdownGraceMillis());
    assertMessage("GENESIS_SHUTDOWN_GRACE: must be a duration such as 20s, 500ms or 1m, got 'soon'",
        Map.of("GENESIS_SHUTDOWN_GRACE", "soon"));
    assertMessage("GENESIS_SHUTDOWN_GRACE: must be between 0ms and 600s, got '11m'", Map.of("GENESIS_SHUTDOWN_GRACE", "11m"));
    assertMessage("GENESIS_SHUTDOWN_GRACE: must be a duration such as 20s, 500ms or 1m, got '-1s'",
        Map.of("GENESIS_SHUTDOWN_GRACE", "-1s"));
  }

  @Test
  @DisplayName("metrics: on by default, no operator port unless set, loopback; the operator port may not be the gateway's")
  void metricsSettings() {
    ObservabilitySettings defaults = ConfigLoader.load(Map.of()).observability();
    assertEquals(true, defaults.metricsEnabled());
    assertEquals(null, defaults.metricsPort());
    assertEquals("127.0.0.1", defaults.metricsHost());
    ObservabilitySettings set = ConfigLoader.load(Map.of("GENESIS_METRICS", "false", "GENESIS_METRICS_PORT", "9464",
        "GENESIS_METRICS_HOST", "10.0.0.5")).observability();
    assertEquals(false, set.metricsEnabled());
    assertEquals(9464, set.metricsPort());
    assertEquals("10.0.0.5", set.metricsHost());
    assertEquals(0, ConfigLoader.load(Map.of("GENESIS_METRICS_PORT", "0", "GENESIS_HTTP_PORT", "0")).observability().metricsPort());
    assertMessage("GENESIS_METRICS_PORT: must differ from GENESIS_HTTP_PORT (8080)", Map.of("GENESIS_METRICS_PORT", "8080"));
    assertMessage("GENESIS_METRICS_PORT: must be between 0 and 65535, got 70000", Map.of("GENESIS_METRICS_PORT", "70000"));
  }

  @Test
  @DisplayName("a YAML or JSON file sets the same settings, and the environment wins")
  void file() throws IOException {
    Path yaml = Files.writeString(dir.resolve("genesis.yaml"), "httpPort: 9090\nGENESIS_RATE_LIMIT_PER_MINUTE: 7\nlog-format: text\n");
    GenesisConfig fromYaml = ConfigLoader.load(Map.of("GENESIS_CONFIG", yaml.toString(), "GENESIS_RATE_LIMIT_PER_MINUTE", "9"));
    assertEquals(9090, fromYaml.httpPort());
    assertEquals(9, fromYaml.rateLimitPerMinute());
    assertEquals("text", fromYaml.logFormat());
    Path json = Files.writeString(dir.resolve("genesis.json"), "{\"maxBodyBytes\": 1024}");
    assertEquals(1024, ConfigLoader.load(Map.of("GENESIS_CONFIG", json.toString())).maxBodyBytes());
  }

  @Test
  @DisplayName("generated secrets are kept in the data directory and reused")
  void generatedSecrets() {
    GenesisConfig config = ConfigLoader.load(Map.of("GENESIS_DATA_DIR", dir.toString()));
    GenesisConfig first = ConfigLoader.withGeneratedSecrets(config);
    GenesisConfig second = ConfigLoader.withGeneratedSecrets(config);
    assertTrue(first.jwtSecret().length() >= 32);
    assertEquals(first.jwtSecret(), second.jwtSecret());
    assertEquals(first.encryptionKey(), second.encryptionKey());
    assertTrue(Files.exists(dir.resolve("jwt-secret")));
    assertFalse(first.toString().contains(first.jwtSecret()), "toString never prints secrets");
    assertEquals(first, GenesisConfig.fromJson(first.toJson()));
  }

  @Test
  @DisplayName("GENESIS_LOG_LEVEL is the root level (info unless set); GENESIS_LOG_LEVELS is logger=level entries, kept in order")
  void logLevels() {
    GenesisConfig defaults = ConfigLoader.load(Map.of());
    assertEquals("info", defaults.observability().logLevel());
    assertNull(defaults.observability().logLevels());
    GenesisConfig config = ConfigLoader.load(Map.of("GENESIS_LOG_LEVEL", "WARN",
        "GENESIS_LOG_LEVELS", " io.genesis.session = DEBUG, genesis.access=warn,io.vertx.core.impl.BlockedThreadChecker=off ,ROOT=error"));
    assertEquals("warn", config.observability().logLevel());
    assertEquals("io.genesis.session=debug,genesis.access=warn,io.vertx.core.impl.BlockedThreadChecker=off,ROOT=error",
        config.observability().logLevels(), "trimmed, levels in lower case");
    assertEquals(List.of("io.genesis.session", "genesis.access", "io.vertx.core.impl.BlockedThreadChecker", "ROOT"),
        List.copyOf(ConfigLoader.logLevels(config.observability().logLevels()).keySet()));
    assertEquals(Map.of("Outer$Inner", "trace"), ConfigLoader.logLevels("Outer$Inner=trace"));
    assertNull(ConfigLoader.load(Map.of("GENESIS_LOG_LEVELS", "  ")).observability().logLevels());
    assertEquals(config, GenesisConfig.fromJson(config.toJson()));
  }

  @Test
  @DisplayName("a bad GENESIS_LOG_LEVEL or GENESIS_LOG_LEVELS entry fails with one line naming the setting and the entry")
  void badLogLevels() {
    assertMessage("GENESIS_LOG_LEVEL: must be one of trace, debug, info, warn, error, off, got 'verbose'",
        Map.of("GENESIS_LOG_LEVEL", "verbose"));
    assertMessage("GENESIS_LOG_LEVELS: entry 'genesis.access=loud': the level must be one of trace, debug, info, warn, error, off",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis=debug,genesis.access=loud"));
    assertMessage("GENESIS_LOG_LEVELS: entry 'io.genesis.session' must be logger=level, e.g. io.genesis.session=debug",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis.session"));
    assertMessage("GENESIS_LOG_LEVELS: entry 'io.genesis.session:debug' must be logger=level, e.g. io.genesis.session=debug",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis.session:debug"));
    assertMessage("GENESIS_LOG_LEVELS: entry 'genesis.access=': the level must be one of trace, debug, info, warn, error, off",
        Map.of("GENESIS_LOG_LEVELS", "genesis.access="));
    for (String logger : List.of("", "io..genesis", ".io.genesis", "io.genesis.", "io.genesis-session", "9lives", "io genesis", "io.*")) {
      String entry = logger + "=debug";
      assertMessage("GENESIS_LOG_LEVELS: entry '" + entry + "': the logger must be a dotted Java name, e.g. io.genesis.session",
          Map.of("GENESIS_LOG_LEVELS", "genesis.access=warn," + entry));
    }
    assertMessage("GENESIS_LOG_LEVELS: has an empty entry in 'io.genesis=debug,,genesis.access=warn' (entries are logger=level, separated by commas)",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis=debug,,genesis.access=warn"));
    assertMessage("GENESIS_LOG_LEVELS: has an empty entry in 'io.genesis=debug,' (entries are logger=level, separated by commas)",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis=debug,"));
    assertMessage("GENESIS_LOG_LEVELS: entry 'io.genesis=info' names io.genesis a second time",
        Map.of("GENESIS_LOG_LEVELS", "io.genesis=debug,io.genesis=info"));
  }

  @Test
  @DisplayName("privacy: messages kept forever unless GENESIS_RETENTION_DAYS is set; interval, batch and old keys parsed and checked")
  void privacySettings() {
    PrivacySettings defaults = ConfigLoader.load(Map.of()).privacy();
    assertNull(defaults.retentionDays());
    assertEquals(3600, defaults.retentionIntervalSeconds());
    assertEquals(500, defaults.retentionBatch());
    assertNull(defaults.encryptionOldKeys());
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    String other = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    PrivacySettings set = ConfigLoader.load(Map.of("GENESIS_RETENTION_DAYS", "30", "GENESIS_RETENTION_INTERVAL_SECONDS", "60",
        "GENESIS_RETENTION_BATCH", "100", "GENESIS_ENCRYPTION_OLD_KEYS", key + ", " + other)).privacy();
    assertEquals(30, set.retentionDays());
    assertEquals(60, set.retentionIntervalSeconds());
    assertEquals(100, set.retentionBatch());
    assertEquals(key + ", " + other, set.encryptionOldKeys());
    assertEquals(set, GenesisConfig.fromJson(ConfigLoader.load(Map.of("GENESIS_RETENTION_DAYS", "30",
        "GENESIS_RETENTION_INTERVAL_SECONDS", "60", "GENESIS_RETENTION_BATCH", "100", "GENESIS_ENCRYPTION_OLD_KEYS",
        key + ", " + other)).toJson()).privacy(), "survives the verticles' JSON config");
  }

  @Test
  @DisplayName("privacy: a bad retention setting or old key fails with one line naming the setting")
  void badPrivacySettings() {
    assertMessage("GENESIS_RETENTION_DAYS: must be between 1 and 36500, got 0", Map.of("GENESIS_RETENTION_DAYS", "0"));
    assertMessage("GENESIS_RETENTION_DAYS: must be a whole number, got 'month'", Map.of("GENESIS_RETENTION_DAYS", "month"));
    assertMessage("GENESIS_RETENTION_INTERVAL_SECONDS: must be between 1 and 86400, got 0",
        Map.of("GENESIS_RETENTION_INTERVAL_SECONDS", "0"));
    assertMessage("GENESIS_RETENTION_BATCH: must be between 1 and 100000, got 100001", Map.of("GENESIS_RETENTION_BATCH", "100001"));
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    assertTrue(message(Map.of("GENESIS_ENCRYPTION_OLD_KEYS", key + ",AAAA")).startsWith("GENESIS_ENCRYPTION_OLD_KEYS:"));
  }

  @Test
  @DisplayName("the connection timeouts: 10 s for a request head, 65 s between requests; a bad value stops the start naming it")
  void connectionTimeouts() {
    assertEquals(new HttpSettings(10_000, 65_000), ConfigLoader.load(Map.of()).http());
    assertEquals(new HttpSettings(500, 2_000), ConfigLoader.load(Map.of("GENESIS_HTTP_HEADER_TIMEOUT_MS", "500",
        "GENESIS_HTTP_IDLE_TIMEOUT_MS", "2000")).http());
    assertMessage("GENESIS_HTTP_HEADER_TIMEOUT_MS: must be between 100 and 600000, got 0", Map.of("GENESIS_HTTP_HEADER_TIMEOUT_MS", "0"));
    assertMessage("GENESIS_HTTP_IDLE_TIMEOUT_MS: must be a whole number, got '1m'", Map.of("GENESIS_HTTP_IDLE_TIMEOUT_MS", "1m"));
    GenesisConfig config = ConfigLoader.load(Map.of("GENESIS_HTTP_IDLE_TIMEOUT_MS", "1234"));
    assertEquals(1234, GenesisConfig.fromJson(config.toJson()).http().idleTimeoutMillis(), "travels in the deployment config");
  }

  @Test
  @DisplayName("cluster: loopback, port 5701 and up, any bus port, 5 s to give up on a silent member; members and host checked")
  void clusterSettings() {
    GenesisConfig defaults = ConfigLoader.load(Map.of());
    assertEquals(new ClusterSettings("127.0.0.1", null, 0, 5), defaults.cluster());
    assertNull(defaults.clusterMembers());
    GenesisConfig set = ConfigLoader.load(Map.of("GENESIS_CLUSTER_MEMBERS", "10.0.0.5:5701, 10.0.0.6,[fd00::7]:5701,fd00::8",
        "GENESIS_CLUSTER_HOST", "10.0.0.5", "GENESIS_CLUSTER_PORT", "6000", "GENESIS_CLUSTER_BUS_PORT", "6001",
        "GENESIS_CLUSTER_FAILURE_SECONDS", "10"));
    assertEquals(new ClusterSettings("10.0.0.5", 6000, 6001, 10), set.cluster());
    assertEquals(set.cluster(), GenesisConfig.fromJson(set.toJson()).cluster(), "travels in the deployment config");
    assertMessage("GENESIS_CLUSTER_MEMBERS: entry 'node 1' must be host or host:port, e.g. 10.0.0.5:5701",
        Map.of("GENESIS_CLUSTER_MEMBERS", "127.0.0.1:5701,node 1"));
    assertMessage("GENESIS_CLUSTER_MEMBERS: entry '127.0.0.1:70000' has a port outside 1–65535",
        Map.of("GENESIS_CLUSTER_MEMBERS", "127.0.0.1:70000"));
    assertTrue(message(Map.of("GENESIS_CLUSTER_MEMBERS", "127.0.0.1:5701,,127.0.0.1:5702")).startsWith("GENESIS_CLUSTER_MEMBERS: has an empty entry"));
    assertMessage("GENESIS_CLUSTER_HOST: must be the IP address the other members reach this one at, got '0.0.0.0'",
        Map.of("GENESIS_CLUSTER_HOST", "0.0.0.0"));
    assertMessage("GENESIS_CLUSTER_HOST: must be the IP address the other members reach this one at, got 'node1.internal'",
        Map.of("GENESIS_CLUSTER_HOST", "node1.internal"));
    assertMessage("GENESIS_CLUSTER_PORT: must be between 1 and 65535, got 0", Map.of("GENESIS_CLUSTER_PORT", "0"));
    assertMessage("GENESIS_CLUSTER_FAILURE_SECONDS: must be between 2 and 600, got 1", Map.of("GENESIS_CLUSTER_FAILURE_SECONDS", "1"));
  }

  private static void assertMessage(String expected, Map<String, String> env) {
    assertEquals(expected, message(env));
  }

  private static String message(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(env)).getMessage();
  }
}
