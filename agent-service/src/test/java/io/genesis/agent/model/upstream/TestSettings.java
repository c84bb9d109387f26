package io.genesis.agent.model.upstream;

import io.genesis.common.config.ModelSettings;

/**
 * Model settings for tests: no retries and a breaker that stays closed unless told otherwise; timeouts
 * generous enough for the first test of a JVM (class loading under BlockHound takes seconds), so that
 * only the tests about a timeout set a short one.
 */
final class TestSettings {
  int connect = 2_000;
  int firstToken = 5_000;
  int idle = 5_000;
  int total = 10_000;
  int maxConcurrent = 8;
  int maxRetries;
  int breakerFailures = 1_000;
  int breakerResetMillis = 60_000;
  boolean fallbackToOffline;
  int contextTokens = 3_000;
  int maxTokens = 1_024;
  int maxReplyChars = 32_000;
  int toolRounds = ModelSettings.DEFAULT_TOOL_ROUNDS;

  ModelSettings build() {
    return new ModelSettings(connect, firstToken, idle, total, maxConcurrent, maxRetries, breakerFailures,
        breakerResetMillis, fallbackToOffline, contextTokens, 0, maxTokens, maxReplyChars, toolRounds);
  }
}
