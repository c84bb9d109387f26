package io.genesis.agent.metrics;

import io.genesis.common.bus.Messages.Handoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the agent service measures of its replies: time to first token ({@code genesis_stream_first_token_seconds},
 * per agent and backend), the first token after a handoff ({@code genesis_handoff_latency_seconds}, per receiving
 * agent), tokens streamed, handoffs and how streams end. Tag values come from a small, fixed set (agent ids,
 * backends, outcomes), never from users.
 */
public final class AgentMeters {
  public static final String FIRST_TOKEN = "genesis.stream.first.token";
  public static final String HANDOFF_LATENCY = "genesis.handoff.latency";
  public static final String TOKENS = "genesis.tokens.streamed";
  public static final String HANDOFFS = "genesis.handoffs";
  public static final String STREAMS_ENDED = "genesis.streams.ended";

  private final MeterRegistry registry;

  public AgentMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void firstToken(String agentId, String backend, boolean afterHandoff, long nanos) {
    Timer.builder(FIRST_TOKEN).tags("agent", agentId, "backend", backend)
        .description("From the start of a reply to its first token, in the agent service").register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    if (afterHandoff) {
      Timer.builder(HANDOFF_LATENCY).tags("agent", agentId)
          .description("From the start of a handed-off reply to the receiving agent's first token").register(registry)
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public void handoffs(List<Handoff> handoffs) {
    for (Handoff handoff : handoffs) {
      Counter.builder(HANDOFFS).tags("from", handoff.from(), "to", handoff.to())
          .description("Conversations handed from one agent to another").register(registry).increment();
    }
  }

  /** @param outcome {@code done}, {@code partial} (cancelled by the caller) or {@code error} */
  public void streamEnded(String agentId, String backend, String outcome, long tokens) {
    Counter.builder(STREAMS_ENDED).tags("agent", agentId, "outcome", outcome)
        .description("Replies ended, by outcome").register(registry).increment();
    Counter.builder(TOKENS).tags("agent", agentId, "backend", backend)
        .description("Tokens streamed to callers (the model's count when it gives one, else deltas)")
        .register(registry).increment(tokens);
  }
}
