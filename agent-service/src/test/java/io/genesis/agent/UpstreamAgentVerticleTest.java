package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.config.ConfigException;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UpstreamAgentVerticleTest {
  private static final FakeUpstreamOptions FAST = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(8);

  @Test
  @DisplayName("with GENESIS_MODEL_BASE_URL set, AGENT_REPLY answers from the upstream")
  void repliesFromUpstream(Vertx vertx, VertxTestContext ctx) {
    FakeUpstream.start(vertx, FAST)
        .compose(fake -> deploy(vertx, new JsonObject().put("modelBaseUrl", fake.baseUrl()).put("modelName", "coach-7b"))
            .compose(id -> vertx.eventBus().<ReplyResult>request(Addresses.AGENT_REPLY,
                new ReplyRequest("u1", "s1", "blaze", null, "How do I squat deeper?")))
            .map(reply -> {
              assertEquals("blaze", reply.body().agentId());
              assertEquals(FakeUpstream.text(8), reply.body().text());
              assertEquals("coach-7b", fake.lastRequest().getString("model"));
              return reply;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("with an upstream but no GENESIS_MODEL_NAME, agents without a model stop the start, naming the setting")
  void refusesWithoutModelName(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, new JsonObject().put("modelBaseUrl", "http://127.0.0.1:9/v1"))
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertInstanceOf(ConfigException.class, error);
          assertTrue(error.getMessage().startsWith("GENESIS_MODEL_NAME: must be set when GENESIS_MODEL_BASE_URL is set"),
              error.getMessage());
          ctx.completeNow();
        })));
  }

  private static Future<String> deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(config));
  }
}
