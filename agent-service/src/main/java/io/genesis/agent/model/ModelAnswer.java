package io.genesis.agent.model;

import io.genesis.common.bus.Messages.Usage;

/**
 * A finished answer.
 *
 * @param text the whole text (the concatenation of the deltas)
 * @param usage the model's own token counts, or null when it gave none (the caller then estimates)
 * @param finishReason why the model stopped, as OpenAI names it ({@code length}: cut at a size limit);
 *     null when it said nothing ({@code stop})
 */
public record ModelAnswer(String text, Usage usage, String finishReason) {
  public static ModelAnswer of(String text) {
    return new ModelAnswer(text, null, null);
  }
}
