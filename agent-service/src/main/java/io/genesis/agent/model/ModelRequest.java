package io.genesis.agent.model;

import io.genesis.agent.coach.calc.Facts;
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
 * @param facts what is known of the person: the profile for this reply and recent progress records (never null)
 */
public record ModelRequest(AgentDefinition agent, String userText, Handoff handoff, String handedOffFromName,
                           List<ChatTurn> history, Facts facts) {
  public ModelRequest {
    history = history == null ? List.of() : List.copyOf(history);
    facts = facts == null ? Facts.NONE : facts;
  }

  public ModelRequest(AgentDefinition agent, String userText, Handoff handoff, String handedOffFromName, List<ChatTurn> history) {
    this(agent, userText, handoff, handedOffFromName, history, Facts.NONE);
  }

  public ModelRequest withFacts(Facts known) {
    return new ModelRequest(agent, userText, handoff, handedOffFromName, history, known);
  }

  public static ModelRequest of(AgentDefinition agent, String userText) {
    return new ModelRequest(agent, userText, null, null, List.of());
  }

  public ModelRequest withHistory(List<ChatTurn> turns) {
    return new ModelRequest(agent, userText, handoff, handedOffFromName, turns, facts);
  }
}
