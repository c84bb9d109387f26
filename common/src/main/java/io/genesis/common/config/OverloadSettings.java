package io.genesis.common.config;

/**
 * How much a gateway takes on before it sheds load, and how long a request waits for a store that does
 * not answer. Past a bound the answer is an immediate {@code 503} with {@code Retry-After}; a frozen store
 * (PostgreSQL or Redis stopped, or unreachable without refusing) costs a request at most its timeout.
 *
 * @param maxRequestsInFlight {@code GENESIS_MAX_REQUESTS_IN_FLIGHT}: the most requests (everything but
 *     streams, health and metrics) one gateway process works on at once; the adaptive limit of each event
 *     loop stays within its share of it
 * @param maxStreamsInFlight {@code GENESIS_MAX_STREAMS_IN_FLIGHT}: the most streamed replies (SSE, a
 *     WebSocket message's reply, the OpenAI-compatible routes) one gateway process runs at once; an idle
 *     WebSocket is not one
 * @param storeTimeoutMillis {@code GENESIS_STORE_TIMEOUT_MS}: how long the session service works on one
 *     request before it answers 503; a write not committed by then is rolled back, never committed later
 * @param redisTimeoutMillis {@code GENESIS_REDIS_TIMEOUT_MS}: how long the gateway waits for Redis (a
 *     rate-limit decision, a reply's events) before answering without it (a 503 where it must decide)
 */
public record OverloadSettings(int maxRequestsInFlight, int maxStreamsInFlight, int storeTimeoutMillis,
                               int redisTimeoutMillis) {

  public static OverloadSettings defaults() {
    return new OverloadSettings(256, 1_000, 1_000, 1_500);
  }
}
