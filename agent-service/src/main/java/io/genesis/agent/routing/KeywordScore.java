package io.genesis.agent.routing;

import java.util.List;

/** How well a message matches one agent: the sum of the weights of its keywords found in the text. */
public record KeywordScore(String agentId, int score, List<String> matched) {
  public KeywordScore {
    matched = List.copyOf(matched);
  }
}
