package io.genesis.agent.model;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Handoff;
import java.util.List;

/**
 * What a backend answers: the user's message, for an agent.
 *
 * @param agent the agent that answers (its system prompt, model and voice)
 * @param userText the user's message, as sent
 * @param handoff the handoff that brought the conversation to {@code agent}, or null
 * @param handedOffFromName display name of the agent handed off from, or null
 * @param history the conversation before {@code userText}, oldest first (may be empty, never null)
 */
public record ModelRequest(AgentDefinition agent, String userText, Handoff handoff, String handedOffFromName,
                           List<ChatTurn> history) {
  public ModelRequest {
    history = history == null ? List.of() : List.copyOf(history);
  }

  public static ModelRequest of(AgentDefinition agent, String userText) {
    return new ModelRequest(agent, userText, null, null, List.of());
  }

  public ModelRequest withHistory(List<ChatTurn> turns) {
    return new ModelRequest(agent, userText, handoff, handedOffFromName, turns);
  }
}
