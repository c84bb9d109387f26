package io.genesis.agent.coach;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.genesis.agent.coach.calc.Calculation;
import io.genesis.agent.coach.calc.Calculator;
import io.genesis.agent.coach.calc.Calculators;
import io.genesis.agent.coach.calc.Facts;
import io.genesis.agent.coach.calc.Texts;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.definition.Voice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The built-in coach: answers in an agent's voice (its {@link Voice} phrases) and runs the agent's
 * calculators on the numbers in the message. The same agent and text always give the same answer.
 * Pure Java and thread-safe; calculations are cached (bounded Caffeine) by calculator and normalized
 * text.
 *
 * <p>Shape of an answer: [handoff intro] opener, then each calculation (or a tip when none applies),
 * then a sign-off, paragraphs separated by a blank line. A bare greeting gets the agent's greeting.
 */
public final class OfflineCoach {
  /** About 8 MB of text: thousands of typical messages, a few hundred of the longest. */
  public static final long DEFAULT_CACHE_CHARS = 4_000_000;

  private static final Pattern GREETING = Pattern.compile(
      "(?:hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening))(?: there)?(?: [a-z]+)?[!.?]*");

  private final Cache<CalcKey, Optional<Calculation>> cache;

  public OfflineCoach() {
    this(DEFAULT_CACHE_CHARS);
  }

  /** With its calculation cache's hits and misses exported as {@code cache_gets_total{cache="offline-calculations"}}. */
  public static OfflineCoach monitored(MeterRegistry registry) {
    OfflineCoach coach = new OfflineCoach();
    CaffeineCacheMetrics.monitor(registry, coach.cache, "offline-calculations");
    return coach;
  }

  /**
   * @param cacheChars the most characters (message texts and results) the calculation cache holds:
   *     bounded by size, not by count, since one message may be 32,000 characters long
   */
  public OfflineCoach(long cacheChars) {
    this.cache = Caffeine.newBuilder()
        .maximumWeight(cacheChars)
        .<CalcKey, Optional<Calculation>>weigher((key, result) ->
            key.text().length() + key.facts().records().size() * 64
                + result.map(calculation -> calculation.text().length()).orElse(0))
        .recordStats()
        .build();
  }

  /**
   * The answer of {@code agent} to {@code userText}.
   *
   * @param handedOffFrom display name of the agent that handed the conversation over, or null
   */
  public String reply(AgentDefinition agent, String userText, String handedOffFrom) {
    return reply(agent, userText, handedOffFrom, Facts.NONE);
  }

  /** As above, with what the coach knows of the person: their profile and progress records ({@link Facts}). */
  public String reply(AgentDefinition agent, String userText, String handedOffFrom, Facts facts) {
    String text = Texts.normalize(userText);
    Voice voice = agent.voice();
    int seed = seed(agent.id(), text);
    StringBuilder answer = new StringBuilder();
    if (handedOffFrom != null) {
      answer.append(voice.handoffIntro().replace("{from}", handedOffFrom)).append(' ');
    }
    if (GREETING.matcher(text).matches()) {
      return answer.append(voice.greeting()).toString();
    }
    answer.append(pick(voice.openers(), seed));
    List<Calculation> calculations = calculations(agent, text, facts);
    for (Calculation calculation : calculations) {
      answer.append("\n\n").append(calculation.text());
    }
    if (calculations.stream().noneMatch(Calculation::complete)) {
      answer.append("\n\n").append(pick(voice.tips(), seed >>> 8));
    }
    return answer.append("\n\n").append(pick(voice.signOffs(), seed >>> 16)).toString();
  }

  /** The results of {@code agent}'s calculators on {@code userText}, in the order the definition lists them. */
  public List<Calculation> calculations(AgentDefinition agent, String userText) {
    return calculations(agent, userText, Facts.NONE);
  }

  public List<Calculation> calculations(AgentDefinition agent, String userText, Facts facts) {
    String text = Texts.normalize(userText);
    List<Calculation> results = new ArrayList<>();
    for (String name : agent.calculators()) {
      Optional<Calculation> result = cache.get(new CalcKey(name, text, facts), key -> evaluate(key));
      result.ifPresent(results::add);
    }
    return results;
  }

  /**
   * What {@code agent}'s calculators would use of the person's data to answer {@code userText}: nothing (the
   * message alone answers), the profile, or the profile and the progress records. Pure, no cache.
   */
  public static Calculator.Uses uses(AgentDefinition agent, String userText) {
    String text = Texts.normalize(userText);
    Calculator.Uses most = Calculator.Uses.NOTHING;
    for (String name : agent.calculators()) {
      Calculator.Uses uses = Calculators.byName(name).map(c -> c.uses(text)).orElse(Calculator.Uses.NOTHING);
      most = uses.compareTo(most) > 0 ? uses : most;
    }
    return most;
  }

  /** Hits, misses and evictions of the calculation cache (for metrics). */
  public CacheStats cacheStats() {
    return cache.stats();
  }

  private static Optional<Calculation> evaluate(CalcKey key) {
    Calculator calculator = Calculators.byName(key.calculator())
        .orElseThrow(() -> new IllegalArgumentException("unknown calculator " + key.calculator()));
    return calculator.evaluate(key.text(), key.facts());
  }

  private static int seed(String agentId, String text) {
    int h = text.hashCode() * 31 + agentId.hashCode();
    return h ^ (h >>> 13) * 0x5bd1e995;
  }

  private static String pick(List<String> options, int seed) {
    return options.get(Math.floorMod(seed, options.size()));
  }

  /** Cache key: the calculator, the normalized message and what is known of the person. */
  private record CalcKey(String calculator, String text, Facts facts) {}
}
