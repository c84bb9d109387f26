package io.genesis.agent;

import io.genesis.agent.registry.AgentLoader;
import io.genesis.agent.registry.AgentRegistry;

/** The built-in registry, read once per test JVM (on the test thread, never an event loop). */
public final class TestAgents {
  private static final AgentRegistry BUILT_IN = AgentLoader.builtIn();

  private TestAgents() {}

  public static AgentRegistry builtIn() {
    return BUILT_IN;
  }
}
