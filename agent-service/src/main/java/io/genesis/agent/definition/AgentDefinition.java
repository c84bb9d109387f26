package io.genesis.agent.definition;

import io.genesis.common.bus.Messages.AgentView;
import java.util.List;

/**
 * One coaching agent, as read from its definition file ({@code agents/<id>.json}).
 *
 * @param id lower-case id ({@code blaze}); requests match it without regard to case
 * @param name display name, upper case ({@code BLAZE})
 * @param keywords routing keywords with their weights (see {@link Keyword})
 * @param model the model to ask upstream, or null / {@code "offline"} for the built-in offline coach
 * @param maxTokens {@code max_tokens} of this agent's upstream requests, or null for {@code GENESIS_MODEL_MAX_TOKENS}
 * @param handoffTargets ids of the agents this one may hand a conversation to (empty: never hands off)
 * @param calculators names of the offline coach's calculations this agent runs (see
 *     {@code io.genesis.agent.coach.calc.Calculators})
 * @param voice the phrases the offline coach answers with
 */
public record AgentDefinition(
    String id,
    String name,
    String specialty,
    String description,
    String systemPrompt,
    List<Keyword> keywords,
    String model,
    Integer maxTokens,
    List<String> handoffTargets,
    List<String> calculators,
    Voice voice) {

  public static final String OFFLINE_MODEL = "offline";

  public AgentDefinition {
    keywords = List.copyOf(keywords);
    handoffTargets = List.copyOf(handoffTargets);
    calculators = List.copyOf(calculators);
  }

  /** The public view of this agent (the event-bus and HTTP shape). */
  public AgentView view() {
    return new AgentView(id, name, specialty, description);
  }

  /** True when no upstream model is named: the offline coach answers. */
  public boolean offline() {
    return model == null || OFFLINE_MODEL.equalsIgnoreCase(model);
  }

  public boolean mayHandOffTo(String agentId) {
    return handoffTargets.contains(agentId);
  }
}
