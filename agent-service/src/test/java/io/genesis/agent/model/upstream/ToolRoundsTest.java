package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelRequest;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.perf.fake.FakeUpstream;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The tool rounds of one reply, against fake-upstream's tool script, without the gateway. */
class ToolRoundsTest extends UpstreamHarness {
  private static final AgentDefinition VOLT = TestAgents.builtIn().find("volt").orElseThrow();
  private static final ModelRequest ZONES = ModelRequest.of(VOLT, "Zones? [[call heart-rate-zones {\"age\":30}]]");

  @Test
  @DisplayName("a call is run and reported to the sink before the answer's text; the answer quotes the result, finish reason stop")
  void roundTrip(VertxTestContext ctx) {
    TestSink sink = TestSink.unbounded();
    start(FAST, new TestSettings())
        .compose(v -> call(ZONES, sink))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(1, sink.tools.size());
          ToolUse use = sink.tools.get(0);
          assertEquals("heart-rate-zones", use.name());
          assertEquals("{\"age\":30}", use.arguments());
          assertEquals(187, new JsonObject(use.result()).getInteger("maxHeartRate"));
          assertNull(use.error());
          assertEquals("Calculated with heart-rate-zones: " + use.result() + ".", answer.text());
          assertEquals(answer.text(), sink.text());
          assertEquals("stop", answer.finishReason());
          assertEquals(2, fake.requests().get(), "the calls, then the answer");
          assertEquals(0, backend.inFlight());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GENESIS_MODEL_TOOL_ROUNDS 0: no tools are offered, and the model answers as usual")
  void noRounds(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.toolRounds = 0;
    TestSink sink = TestSink.unbounded();
    start(FAST, settings)
        .compose(v -> call(ZONES, sink))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          JsonObject sent = fake.lastRequest();
          assertFalse(sent.containsKey("tools"), sent::encode);
          assertFalse(sent.containsKey("tool_choice"), sent::encode);
          assertTrue(sink.tools.isEmpty());
          assertEquals(FakeUpstream.text(12), answer.text());
          assertEquals(1, fake.requests().get());
          ctx.completeNow();
        })));
  }
}
