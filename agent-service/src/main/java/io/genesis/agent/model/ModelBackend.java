package io.genesis.agent.model;

import io.genesis.common.error.ServiceException;

/**
 * Produces agents' answers, streamed: the built-in offline coach, or an OpenAI-compatible upstream.
 * A reply first asks {@link #admit()} for a {@link ModelCall}, at once and without waiting, so that an
 * overloaded or failing upstream is refused with a fast {@code 503} before anything is stored.
 */
public interface ModelBackend {
  /** A short name for logs and metrics ("offline", "upstream"). */
  String name();

  /**
   * Reserves one call now.
   *
   * @throws ServiceException 503 with a retry-after when the backend cannot take a call now (too many
   *     calls in flight, circuit breaker open without a fallback)
   */
  ModelCall admit();

  /** Frees what the backend holds (HTTP clients, timers). */
  default void close() {
  }
}
