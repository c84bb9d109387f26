package io.genesis.agent.model;

import io.vertx.core.Future;

/** One admitted call to a {@link ModelBackend}: streamed at most once, or released unused. */
public interface ModelCall {
  /** What answers this call: "offline", "upstream", or "offline-fallback" when the breaker sent it to the offline coach. */
  String backend();

  /** True when the answer depends on the conversation so far ({@link ModelRequest#history()}). */
  boolean needsHistory();

  /**
   * Streams the answer into {@code sink}. Completes with the whole answer, or, when the sink is
   * cancelled, with what was produced until then. Fails with a {@code ServiceException} (502, 503,
   * 504…) when the model fails; deltas already written stay written. Releases the reservation when it
   * ends.
   */
  Future<ModelAnswer> stream(ModelRequest request, ReplySink sink);

  /** Releases the reservation without streaming (the caller gave up first). Idempotent; a no-op after {@link #stream}. */
  void release();
}
