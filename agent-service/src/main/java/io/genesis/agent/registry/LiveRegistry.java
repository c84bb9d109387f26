package io.genesis.agent.registry;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry in use. Readers take {@link #current()} once per request and work on that snapshot; a
 * reload ({@link AgentsWatcher}) builds a whole new {@link AgentRegistry} and
 * {@link #replace replaces} it in one atomic step, so no request ever sees half a reload.
 */
public final class LiveRegistry {
  private final AtomicReference<AgentRegistry> current;

  public LiveRegistry(AgentRegistry initial) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
  }

  public AgentRegistry current() {
    return current.get();
  }

  /** Swaps in {@code next}; returns the snapshot it replaced. */
  public AgentRegistry replace(AgentRegistry next) {
    return current.getAndSet(Objects.requireNonNull(next, "next"));
  }
}
