package io.genesis.agent.metrics;

import io.genesis.common.bus.Messages.Handoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What the agent service measures of its replies: time to first token ({@code genesis_stream_first_token_seconds},
 * per agent and backend), the first token after a handoff ({@code genesis_handoff_latency_seconds}, per receiving
 * agent), tokens streamed, handoffs and how streams end. Tag values come from a small, fixed set (agent ids,
 * backends, outcomes), never from users, so each meter is looked up once and kept (not rebuilt per reply).
 */
public final class AgentMeters {
  public static final String FIRST_TOKEN = "genesis.stream.first.token";
  public static final String HANDOFF_LATENCY = "genesis.handoff.latency";
  public static final String TOKENS = "genesis.tokens.streamed";
  public static final String HANDOFFS = "genesis.handoffs";
  public static final String STREAMS_ENDED = "genesis.streams.ended";

  private final MeterRegistry registry;
  private final Map<List<String>, Timer> firstTokens = new ConcurrentHashMap<>();
  private final Map<String, Timer> handoffLatencies = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> handoffCounts = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> endings = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> tokenCounts = new ConcurrentHashMap<>();

  public AgentMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void firstToken(String agentId, String backend, boolean afterHandoff, long nanos) {
    meter(firstTokens, List.of(agentId, backend), key -> Timer.builder(FIRST_TOKEN).tags("agent", agentId, "backend", backend)
        .description("From the start of a reply to its first token, in the agent service").register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (afterHandoff) {
      meter(handoffLatencies, agentId, key -> Timer.builder(HANDOFF_LATENCY).tags("agent", agentId)
          .description("From the start of a handed-off reply to the receiving agent's first token").register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public void handoffs(List<Handoff> handoffs) {
    for (Handoff handoff : handoffs) {
      meter(handoffCounts, List.of(handoff.from(), handoff.to()), key -> Counter.builder(HANDOFFS)
          .tags("from", handoff.from(), "to", handoff.to())
          .description("Conversations handed from one agent to another").register(registry)).increment();
    }
  }

  /** @param outcome {@code done}, {@code partial} (cancelled by the caller) or {@code error} */
  public void streamEnded(String agentId, String backend, String outcome, long tokens) {
    meter(endings, List.of(agentId, outcome), key -> Counter.builder(STREAMS_ENDED).tags("agent", agentId, "outcome", outcome)
        .description("Replies ended, by outcome").register(registry)).increment();
    meter(tokenCounts, List.of(agentId, backend), key -> Counter.builder(TOKENS).tags("agent", agentId, "backend", backend)
        .description("Tokens streamed to callers (the model's count when it gives one, else deltas)")
        .register(registry)).increment(tokens);
  }

  private static <K, M> M meter(Map<K, M> meters, K key, Function<K, M> register) {
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, register);
  }
}
