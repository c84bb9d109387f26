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
 * @param detachedReplySeconds {@code GENESIS_DETACHED_REPLY_SECONDS}: how long a reply keeps generating
 *     after its client went away (so a client that resumes, or retries with its idempotency key, gets it
 *     whole); past it the reply stops and what was generated is stored, partial. {@code 0}: it stops at once
 * @param replyEventsTtlSeconds {@code GENESIS_REPLY_EVENTS_TTL_SECONDS}: how long the events of a streamed
 *     reply stay in Redis after it ended, for a client to resume from; later it gets the stored reply
 */
public record HttpSettings(int headerTimeoutMillis, int idleTimeoutMillis, int detachedReplySeconds,
                           int replyEventsTtlSeconds) {

  public static final int DEFAULT_DETACHED_REPLY_SECONDS = 60;
  public static final int DEFAULT_REPLY_EVENTS_TTL_SECONDS = 300;

  public HttpSettings(int headerTimeoutMillis, int idleTimeoutMillis) {
    this(headerTimeoutMillis, idleTimeoutMillis, DEFAULT_DETACHED_REPLY_SECONDS, DEFAULT_REPLY_EVENTS_TTL_SECONDS);
  }

  public static HttpSettings defaults() {
    return new HttpSettings(10_000, 65_000);
  }
}
