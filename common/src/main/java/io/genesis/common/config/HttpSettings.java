package io.genesis.common.config;

/**
 * How long the gateway keeps a connection that is not busy with a request. A connection with a
 * request in flight (a JSON answer waiting on the model, an SSE stream, a WebSocket) is not timed
 * by these.
 *
 * @param headerTimeoutMillis {@code GENESIS_HTTP_HEADER_TIMEOUT_MS}: a new connection must have sent a
 *     complete request head (request line and headers) within this, else it is closed
 * @param idleTimeoutMillis {@code GENESIS_HTTP_IDLE_TIMEOUT_MS}: a kept-alive connection must have sent
 *     the next complete request head within this after its last answer ended, else it is closed
 */
public record HttpSettings(int headerTimeoutMillis, int idleTimeoutMillis) {

  public static HttpSettings defaults() {
    return new HttpSettings(10_000, 65_000);
  }
}
