package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.config.ConfigException;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UpstreamAgentVerticleTest {
  private static final FakeUpstreamOptions FAST = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(8);

  @Test
  @DisplayName("with GENESIS_MODEL_BASE_URL set, a streamed reply comes from the upstream, with the system prompt and history")
  void repliesFromUpstream(Vertx vertx, VertxTestContext ctx) {
    ReplyRequest ask = new ReplyRequest("u1", null, "blaze", null, "How do I squat deeper?",
        List.of(new ChatTurn(Messages.TURN_USER, "hi"), new ChatTurn(Messages.TURN_ASSISTANT, "Let's lift.")));
    FakeUpstream.start(vertx, FAST)
        .compose(fake -> deploy(vertx, new JsonObject().put("modelBaseUrl", fake.baseUrl()).put("modelName", "coach-7b"))
            .compose(id -> StreamProbe.run(vertx, ask, false))
            .map(probe -> {
              ReplyEvent end = probe.last.future().result();
              assertEquals(Messages.EVENT_END, end.type(), end::toString);
              assertEquals("upstream", probe.opened().backend());
              assertEquals("blaze", end.result().agentId());
              assertEquals(FakeUpstream.text(8), end.result().text());
              assertEquals(end.result().text(), String.join("", probe.deltas));
              JsonObject sent = fake.lastRequest();
              assertEquals("coach-7b", sent.getString("model"));
              JsonArray messages = sent.getJsonArray("messages");
              assertEquals(List.of("system", "user", "assistant", "user"),
                  messages.stream().map(m -> ((JsonObject) m).getString("role")).toList());
              assertTrue(messages.getJsonObject(0).getString("content").startsWith("You are BLAZE"));
              assertEquals("How do I squat deeper?", messages.getJsonObject(3).getString("content"));
              return probe;
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
