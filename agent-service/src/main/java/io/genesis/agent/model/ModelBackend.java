package io.genesis.agent.model;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Produces an agent's answer, streamed. A backend calls {@code onDelta} with each new piece of text, in
 * order, on the caller's context, and then completes the returned future with the whole text (the
 * concatenation of the deltas). A failed future after some deltas means the answer broke off.
 *
 * <p>The offline coach is the only backend today; an OpenAI-compatible streaming upstream plugs in
 * here without changing callers.
 */
public interface ModelBackend {
  /** A short name for logs and metrics ("offline", "openai:…"). */
  String name();

  Future<String> stream(ModelRequest request, Handler<String> onDelta);

  /** The whole answer at once, for callers that do not stream. */
  default Future<String> reply(ModelRequest request) {
    return stream(request, delta -> { });
  }
}
