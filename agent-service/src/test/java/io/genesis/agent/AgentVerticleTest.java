package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.registry.AgentRegistry;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.StreamReply;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AgentVerticleTest {
  /** Read on the test thread: class-path reads block, and BlockHound guards the event loops. */
  private static final AgentRegistry BUILT_IN = TestAgents.builtIn();

  private EventBus bus;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    bus = vertx.eventBus();
    vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(new JsonObject()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("AGENT_LIST answers the seven agents and the registry version")
  void list(VertxTestContext ctx) {
    bus.<AgentList>request(Addresses.AGENT_LIST, Empty.INSTANCE).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      AgentList list = reply.body();
      assertEquals(List.of("BLAZE", "SAGE", "STELLA", "NOVA", "AURA", "WAVE", "VOLT"),
          list.agents().stream().map(AgentView::name).toList());
      assertEquals(BUILT_IN.version(), list.version());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("AGENT_GET answers one agent by id, without regard to case")
  void get(VertxTestContext ctx) {
    bus.<AgentView>request(Addresses.AGENT_GET, new AgentRef("Blaze")).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(new AgentView("blaze", "BLAZE", "Strength and training",
          BUILT_IN.find("blaze").orElseThrow().description()), reply.body());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("AGENT_GET of an unknown id fails with 404 \"agent 'x' not found\"")
  void getUnknown(VertxTestContext ctx) {
    bus.request(Addresses.AGENT_GET, new AgentRef("zeus")).onComplete(ctx.failing(error -> ctx.verify(() -> {
      ReplyException e = assertInstanceOf(ReplyException.class, error);
      assertEquals(404, e.failureCode());
      assertEquals("agent 'zeus' not found", e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("AGENT_STREAM answers from the requested agent with real numbers")
  void replyRequested(Vertx vertx, VertxTestContext ctx) {
    ReplyRequest request = new ReplyRequest("u1", "s1", "SAGE", null,
        "male, 30 years old, 80kg, 180cm, moderately active, want to lose fat: my macros?");
    StreamProbe.run(vertx, request, true).onComplete(ctx.succeeding(probe -> ctx.verify(() -> {
      ReplyResult reply = probe.last.future().result().result();
      assertEquals("sage", reply.agentId());
      assertTrue(reply.text().contains("BMR 1,780 kcal"), reply.text());
      assertTrue(reply.handoffs().isEmpty());
      assertTrue(probe.deltas.isEmpty(), "collect mode sends no deltas");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("AGENT_STREAM hands off from the session agent when the text clearly belongs to another")
  void replyHandoff(Vertx vertx, VertxTestContext ctx) {
    ReplyRequest request = new ReplyRequest("u1", "s1", null, "sage", "I have insomnia and can't sleep before 2am");
    StreamProbe.run(vertx, request, false).onComplete(ctx.succeeding(probe -> ctx.verify(() -> {
      ReplyResult reply = probe.last.future().result().result();
      assertEquals("wave", probe.opened().agentId());
      assertEquals(probe.opened().handoffs(), reply.handoffs());
      assertEquals("wave", reply.agentId());
      assertEquals(reply.text(), String.join("", probe.deltas));
      List<Handoff> handoffs = reply.handoffs();
      assertEquals(1, handoffs.size());
      assertEquals("sage", handoffs.get(0).from());
      assertEquals("wave", handoffs.get(0).to());
      assertTrue(reply.text().startsWith("SAGE handed you over"), reply.text());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("AGENT_STREAM with blank content or an unknown agent fails with 400 naming the field")
  void replyInvalid(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    bus.request(Addresses.AGENT_STREAM, new StreamReply("x1", "test.nowhere", new ReplyRequest("u1", "s1", null, null, "  "), false))
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertEquals(400, ((ReplyException) error).failureCode());
          assertEquals("content: must not be blank", error.getMessage());
          checkpoint.flag();
        })));
    bus.request(Addresses.AGENT_STREAM, new StreamReply("x2", "test.nowhere", new ReplyRequest("u1", "s1", "zeus", null, "hi"), false))
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertEquals(400, ((ReplyException) error).failureCode());
          assertEquals("agentId: unknown agent 'zeus'", error.getMessage());
          checkpoint.flag();
        })));
  }

  @Test
  @DisplayName("AGENT_HEALTH reports up with the agents check")
  void health(VertxTestContext ctx) {
    bus.<HealthReport>request(Addresses.AGENT_HEALTH, Empty.INSTANCE).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertEquals(new HealthReport(true, Map.of("agents", "UP")), reply.body());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a bad agentsDir fails the deployment with a message naming the setting")
  void badAgentsDir(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put("agentsDir", "/nonexistent/genesis-agents");
    vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(config))
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertEquals("GENESIS_AGENTS_DIR: directory '/nonexistent/genesis-agents' does not exist", error.getMessage());
          ctx.completeNow();
        })));
  }
}
