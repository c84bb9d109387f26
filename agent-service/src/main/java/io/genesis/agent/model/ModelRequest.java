package io.genesis.agent.model;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.common.bus.Messages.Handoff;

/**
 * What a backend answers: the user's message, for an agent.
 *
 * @param agent the agent that answers (its system prompt, model and voice)
 * @param userText the user's message, as sent
 * @param handoff the handoff that brought the conversation to {@code agent}, or null
 * @param handedOffFromName display name of the agent handed off from, or null
 */
public record ModelRequest(AgentDefinition agent, String userText, Handoff handoff, String handedOffFromName) {
  public static ModelRequest of(AgentDefinition agent, String userText) {
    return new ModelRequest(agent, userText, null, null);
  }
}
