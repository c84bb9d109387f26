package io.genesis.agent.routing;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.common.bus.Messages.Handoff;
import java.util.List;

/**
 * The routing decision for one message.
 *
 * @param agent the agent that answers
 * @param reason why it was chosen
 * @param handoff the handoff from the session's agent to {@code agent}, or null when there was none
 */
public record Route(AgentDefinition agent, Reason reason, Handoff handoff) {

  public enum Reason {
    /** The request named the agent. */
    REQUESTED,
    /** The session's agent keeps the conversation. */
    SESSION,
    /** The best keyword match of the text. */
    KEYWORDS,
    /** No keyword matched: the default agent. */
    DEFAULT,
    /** The session's agent handed the message to a clearly better specialist. */
    HANDOFF
  }

  /** The handoffs for {@code ReplyResult.handoffs}: empty, or the one handoff. */
  public List<Handoff> handoffs() {
    return handoff == null ? List.of() : List.of(handoff);
  }
}
