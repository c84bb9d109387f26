package io.genesis.common.config;

/**
 * How the agent service talks to an OpenAI-compatible upstream (when {@code GENESIS_MODEL_BASE_URL}
 * is set), and the offline coach's pace.
 *
 * @param connectTimeoutMillis {@code GENESIS_MODEL_CONNECT_TIMEOUT_MS}: TCP (and TLS) connect
 * @param firstTokenTimeoutMillis {@code GENESIS_MODEL_FIRST_TOKEN_TIMEOUT_MS}: the call → its first token, one
 *     budget over every attempt and the pauses between them
 * @param idleTimeoutMillis {@code GENESIS_MODEL_IDLE_TIMEOUT_MS}: longest silence between two tokens
 * @param totalTimeoutMillis {@code GENESIS_MODEL_TOTAL_TIMEOUT_MS}: the whole answer
 * @param maxConcurrent {@code GENESIS_MODEL_MAX_CONCURRENT}: calls in flight at once per agent-service
 *     instance (the bulkhead); more get a fast 503
 * @param maxRetries {@code GENESIS_MODEL_MAX_RETRIES}: retries with backoff, only before the first token and
 *     only after a failure a retry can cure (refused connection, 5xx, 429), within the first-token budget
 * @param breakerFailures {@code GENESIS_MODEL_BREAKER_FAILURES}: consecutive failures that open the breaker
 * @param breakerResetMillis {@code GENESIS_MODEL_BREAKER_RESET_MS}: how long it stays open before a trial call
 * @param fallbackToOffline {@code GENESIS_MODEL_FALLBACK=offline}: the offline coach answers while the breaker is open
 * @param contextTokens {@code GENESIS_MODEL_CONTEXT_TOKENS}: token budget of the history sent upstream
 * @param offlineTokenDelayMillis {@code GENESIS_OFFLINE_TOKEN_DELAY_MS}: the offline coach's pause between tokens (0: none)
 * @param maxTokens {@code GENESIS_MODEL_MAX_TOKENS}: {@code max_tokens} of every upstream request, for agents whose
 *     definition sets no {@code maxTokens}
 * @param maxReplyChars {@code GENESIS_MODEL_MAX_REPLY_CHARS}: the longest reply kept; a model that writes more is
 *     stopped there and the reply ends with finish reason {@code length}
 * @param toolRounds {@code GENESIS_MODEL_TOOL_ROUNDS}: how many times in one reply an upstream model may call the
 *     agent's calculators (OpenAI tools) and be sent their results; past it, one more request asks for an answer
 *     without tools ({@code tool_choice: none}). 0: no tools are offered
 */
public record ModelSettings(
    int connectTimeoutMillis,
    int firstTokenTimeoutMillis,
    int idleTimeoutMillis,
    int totalTimeoutMillis,
    int maxConcurrent,
    int maxRetries,
    int breakerFailures,
    int breakerResetMillis,
    boolean fallbackToOffline,
    int contextTokens,
    int offlineTokenDelayMillis,
    int maxTokens,
    int maxReplyChars,
    int toolRounds) {
  public static final int DEFAULT_TOOL_ROUNDS = 3;

  /** The settings before calculators were offered as tools: {@link #DEFAULT_TOOL_ROUNDS} rounds. */
  public ModelSettings(int connectTimeoutMillis, int firstTokenTimeoutMillis, int idleTimeoutMillis,
                       int totalTimeoutMillis, int maxConcurrent, int maxRetries, int breakerFailures,
                       int breakerResetMillis, boolean fallbackToOffline, int contextTokens, int offlineTokenDelayMillis,
                       int maxTokens, int maxReplyChars) {
    this(connectTimeoutMillis, firstTokenTimeoutMillis, idleTimeoutMillis, totalTimeoutMillis, maxConcurrent, maxRetries,
        breakerFailures, breakerResetMillis, fallbackToOffline, contextTokens, offlineTokenDelayMillis, maxTokens,
        maxReplyChars, DEFAULT_TOOL_ROUNDS);
  }

  public static ModelSettings defaults() {
    return new ModelSettings(2_000, 6_000, 10_000, 120_000, 64, 2, 5, 30_000, false, 3_000, 0, 1_024, 32_000,
        DEFAULT_TOOL_ROUNDS);
  }
}
