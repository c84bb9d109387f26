package io.genesis.agent.routing;

import io.genesis.agent.coach.calc.Texts;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.definition.Keyword;
import io.genesis.agent.definition.KeywordText;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.error.ServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the agent that answers a message, deterministically, over one registry snapshot.
 *
 * <ol>
 *   <li>The agent named in the request answers (an unknown id is a 400). No handoff.</li>
 *   <li>Else the session's agent answers, unless the text clearly belongs to another specialist
 *       ({@link #handoff}): then that agent answers and the route carries the handoff. A session
 *       agent that no longer exists (removed by a reload) is treated as no session agent.</li>
 *   <li>Else the best keyword match: the highest score (sum of the weights of the agent's keywords
 *       found in the text). A tie goes to the default agent if it is among the tied, else to the
 *       first tied agent in registry order; no match at all goes to the default agent,
 *       {@value #DEFAULT_AGENT_ID} (progress and goals, the generalist), or the first agent when
 *       it is not defined.</li>
 * </ol>
 */
public final class AgentRouter {
  public static final String DEFAULT_AGENT_ID = "stella";
  /** A handoff needs the other agent to score at least this much… */
  public static final int HANDOFF_MIN_SCORE = 4;
  /** …at least this much more than the current agent… */
  public static final int HANDOFF_MARGIN = 3;
  /** …and at least this many times the current agent's score. */
  public static final int HANDOFF_RATIO = 2;

  private final AgentRegistry registry;

  public AgentRouter(AgentRegistry registry) {
    this.registry = registry;
  }

  /** Routes a message given the request's agent id and the session's agent id (either may be null). */
  public Route select(String requestedAgentId, String sessionAgentId, String text) {
    if (requestedAgentId != null && !requestedAgentId.isBlank()) {
      AgentDefinition agent = registry.find(requestedAgentId).orElseThrow(() ->
          ServiceException.badRequest("agentId: unknown agent '" + requestedAgentId.trim() + "'"));
      return new Route(agent, Route.Reason.REQUESTED, null);
    }
    return route(text, sessionAgentId);
  }

  /**
   * Routes {@code text} in a conversation held by {@code currentAgentId} (null: none): the current agent,
   * or a handoff to a clearly better specialist, or the best match when there is no current agent.
   */
  public Route route(String text, String currentAgentId) {
    Optional<AgentDefinition> current = registry.find(currentAgentId);
    if (current.isEmpty()) {
      return bestMatch(text);
    }
    List<KeywordScore> scores = scores(text);
    return handoff(scores, current.get())
        .map(handoff -> new Route(registry.find(handoff.to()).orElseThrow(), Route.Reason.HANDOFF, handoff))
        .orElseGet(() -> new Route(current.get(), Route.Reason.SESSION, null));
  }

  /** The best keyword match of {@code text}, or the default agent. */
  public Route bestMatch(String text) {
    List<KeywordScore> scores = scores(text);
    int best = scores.stream().mapToInt(KeywordScore::score).max().orElse(0);
    AgentDefinition fallback = defaultAgent();
    if (best == 0) {
      return new Route(fallback, Route.Reason.DEFAULT, null);
    }
    List<String> tied = scores.stream().filter(s -> s.score() == best).map(KeywordScore::agentId).toList();
    String chosen = tied.contains(fallback.id()) ? fallback.id() : tied.get(0);
    return new Route(registry.find(chosen).orElseThrow(), Route.Reason.KEYWORDS, null);
  }

  /** Whether {@code current} should hand {@code text} to another agent, and to whom. */
  public Optional<Handoff> handoff(String text, AgentDefinition current) {
    return handoff(scores(text), current);
  }

  /** Every agent's score for {@code text}, in registry order. */
  public List<KeywordScore> scores(String text) {
    KeywordText normalized = KeywordText.of(Texts.normalize(text == null ? "" : text));
    List<KeywordScore> scores = new ArrayList<>(registry.size());
    for (AgentDefinition agent : registry.definitions()) {
      scores.add(score(agent, normalized));
    }
    return scores;
  }

  /** The default agent: {@value #DEFAULT_AGENT_ID}, or the first agent when it is not defined. */
  public AgentDefinition defaultAgent() {
    return registry.find(DEFAULT_AGENT_ID).orElse(registry.definitions().get(0));
  }

  /**
   * The strongest of {@code current}'s handoff targets takes over when its score is at least
   * {@link #HANDOFF_MIN_SCORE}, at least {@link #HANDOFF_MARGIN} above the current agent's and at least
   * {@link #HANDOFF_RATIO} times it. Ties between targets go to the first in registry order.
   */
  private Optional<Handoff> handoff(List<KeywordScore> scores, AgentDefinition current) {
    int currentScore = 0;
    KeywordScore best = null;
    for (KeywordScore score : scores) {
      if (score.agentId().equals(current.id())) {
        currentScore = score.score();
      } else if (current.mayHandOffTo(score.agentId()) && (best == null || score.score() > best.score())) {
        best = score;
      }
    }
    if (best == null || !clearlyBetter(best.score(), currentScore)) {
      return Optional.empty();
    }
    AgentDefinition target = registry.find(best.agentId()).orElseThrow();
    String reason = target.name() + " covers " + target.specialty().toLowerCase(Locale.ROOT)
        + " (matched: " + String.join(", ", best.matched()) + ")";
    return Optional.of(new Handoff(current.id(), target.id(), reason));
  }

  static boolean clearlyBetter(int candidate, int current) {
    return candidate >= HANDOFF_MIN_SCORE
        && candidate - current >= HANDOFF_MARGIN
        && candidate >= HANDOFF_RATIO * current;
  }

  private static KeywordScore score(AgentDefinition agent, KeywordText text) {
    int total = 0;
    List<String> matched = null;
    for (Keyword keyword : agent.keywords()) {
      if (keyword.matches(text)) {
        total += keyword.weight();
        if (matched == null) {
          matched = new ArrayList<>();
        }
        matched.add(keyword.label());
      }
    }
    return new KeywordScore(agent.id(), total, matched == null ? List.of() : matched);
  }
}
