package io.genesis.launcher;

import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.embedded.TestServices;
import io.genesis.common.config.SharedSecret;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Starts GENESIS for a test: free port, dev tokens on, the suite's PostgreSQL and Redis. */
final class TestApp {
  static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
  /**
   * The suites' encryption key: with the suite's own PostgreSQL and Redis named by URL, a process
   * would refuse to generate one (other processes share them), as an operator's would.
   */
  static final String ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDEyMzQ=";

  private TestApp() {}

  static Genesis start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** {@code extraEnv} adds or overrides settings, e.g. {@code GENESIS_RATE_LIMIT_PER_MINUTE}. */
  static Genesis start(Path dataDir, Map<String, String> extraEnv) {
    TestServices.Urls urls = TestServices.get();
    return Genesis.start(config(dataDir, urls.pgUrl(), urls.redisUrl(), extraEnv), Set.of(Service.values()), false);
  }

  /** Null URLs mean the launcher's own embedded servers, with their data in {@code dataDir}. */
  static GenesisConfig config(Path dataDir, String pgUrl, String redisUrl) {
    return config(dataDir, pgUrl, redisUrl, Map.of());
  }

  /**
   * As above, with more settings ({@code GENESIS_…} names) on top. The rate limit is set far above
   * the default 100 a minute: the suites make more requests than that for one user (the pagination
   * test alone sends 60 messages and reads the pages) and mint every token from 127.0.0.1, which
   * shares one per-address window in the suite's Redis. {@code RateLimitTest} sets a small one.
   */
  static GenesisConfig config(Path dataDir, String pgUrl, String redisUrl, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("GENESIS_HTTP_PORT", "0");
    env.put("GENESIS_DATA_DIR", dataDir.toString());
    env.put("GENESIS_JWT_SECRET", SECRET);
    env.put("GENESIS_ENCRYPTION_KEY", ENCRYPTION_KEY);
    env.put("GENESIS_DEV_TOKENS", "true");
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", "1000000");
    if (pgUrl != null) {
      env.put("GENESIS_PG_URL", pgUrl);
    }
    if (redisUrl != null) {
      env.put("GENESIS_REDIS_URL", redisUrl);
    }
    env.putAll(extra);
    return ConfigLoader.withSecrets(ConfigLoader.load(env), EnumSet.allOf(SharedSecret.class), false);
  }
}
