package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.common.bus.Messages.StreamOpened;
import io.genesis.common.id.Ids;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.genesis.common.config.ModelSettings;
import io.genesis.common.json.Json;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Streamed replies on the agent service")
class AgentStreamTest {
  private static final ReplyRequest ASK = new ReplyRequest("u1", null, "volt", null, "I ran 10k in 50:00, what pace is that?");

  private static DeploymentOptions paced(int tokenDelayMillis) {
    ModelSettings d = ModelSettings.defaults();
    ModelSettings settings = new ModelSettings(d.connectTimeoutMillis(), d.firstTokenTimeoutMillis(), d.idleTimeoutMillis(),
        d.totalTimeoutMillis(), d.maxConcurrent(), d.maxRetries(), d.breakerFailures(), d.breakerResetMillis(),
        d.fallbackToOffline(), d.contextTokens(), tokenDelayMillis, d.maxTokens(), d.maxReplyChars());
    @SuppressWarnings("unchecked")
    Map<String, Object> model = Json.MAPPER.convertValue(settings, Map.class);
    return new DeploymentOptions().setConfig(new JsonObject().put("model", model));
  }

  @Test
  @DisplayName("deltas flow only against credit: one credit, one delta (the first token, at once); more credit, the rest, adding up to the reply")
  void credit(Vertx vertx, VertxTestContext ctx) {
    StreamProbe probe = new StreamProbe(vertx);
    vertx.deployVerticle(new AgentVerticle(), paced(0))
        .compose(id -> probe.open(ASK, false))
        .compose(opened -> {
          probe.credit(1);
          return probe.nextDelta();
        })
        // The agent sends any further delta before it answers this, on the same event loop.
        .compose(first -> vertx.eventBus().request(Addresses.AGENT_HEALTH, Empty.INSTANCE))
        .compose(health -> {
          ctx.verify(() -> assertEquals(1, probe.deltas.size(), "deltas with one credit"));
          probe.credit(1_000);
          return probe.last.future();
        })
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertEquals(Messages.EVENT_END, last.type());
          assertFalse(last.partial());
          assertEquals(last.result().text(), String.join("", probe.deltas));
          assertTrue(last.usage().completionTokens() > 10, "tokens: " + last.usage());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("batching: the tokens the model writes in one turn go as one delta; the first token goes alone, at once")
  void batches(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new AgentVerticle(), paced(0))
        .compose(id -> StreamProbe.run(vertx, ASK, false))
        .onComplete(ctx.succeeding(probe -> ctx.verify(() -> {
          ReplyEvent end = probe.last.future().result();
          String text = end.result().text();
          // the offline coach writes its whole answer in one turn: the first token, then one batch of the rest
          assertEquals(2, probe.deltas.size(), "deltas: " + probe.deltas);
          assertEquals(text.substring(0, text.indexOf(' ') + 1), probe.deltas.get(0), "the first token alone");
          assertEquals(text, String.join("", probe.deltas));
          assertTrue(end.usage().completionTokens() > 10, "usage counts tokens, not batches: " + end.usage());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("batching keeps backpressure: out of credit, the model pauses and nothing more is sent; more credit, it goes on")
  void batchesPause(Vertx vertx, VertxTestContext ctx) {
    StreamProbe probe = new StreamProbe(vertx);
    vertx.deployVerticle(new AgentVerticle(), paced(5))
        .compose(id -> probe.open(ASK, false))
        .compose(opened -> {
          probe.credit(2);
          return probe.nextDelta();
        })
        .compose(first -> probe.nextDelta())
        .compose(second -> vertx.eventBus().request(Addresses.AGENT_HEALTH, Empty.INSTANCE))
        .compose(health -> {
          ctx.verify(() -> {
            assertEquals(2, probe.deltas.size(), "two credits, two deltas");
            assertFalse(probe.last.future().isComplete(), "paused, not ended");
          });
          probe.credit(1_000);
          return probe.last.future();
        })
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertEquals(Messages.EVENT_END, last.type());
          assertFalse(last.partial());
          assertTrue(probe.deltas.size() >= 3, "went on after the pause: " + probe.deltas.size());
          assertEquals(last.result().text(), String.join("", probe.deltas));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a cancel mid-stream ends it at once, partial, with exactly the text sent so far")
  void cancel(Vertx vertx, VertxTestContext ctx) {
    StreamProbe probe = new StreamProbe(vertx);
    vertx.deployVerticle(new AgentVerticle(), paced(5))
        .compose(id -> probe.open(ASK, false))
        .compose(opened -> {
          probe.credit(1_000);
          return probe.nextDelta();
        })
        .compose(first -> probe.nextDelta())
        .compose(second -> {
          probe.cancel();
          return probe.last.future();
        })
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          ReplyEvent end = last;
          assertEquals(Messages.EVENT_END, end.type());
          assertTrue(end.partial(), "deltas " + probe.deltas.size() + " " + end);
          assertTrue(probe.deltas.size() >= 2 && probe.deltas.size() < 10, "deltas: " + probe.deltas.size());
          assertEquals(String.join("", probe.deltas), end.result().text());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the offline coach's optional pace spreads the tokens out; the answer is the same")
  void pace(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new AgentVerticle(), paced(1))
        .compose(id -> StreamProbe.run(vertx, ASK, false))
        .onComplete(ctx.succeeding(probe -> ctx.verify(() -> {
          ReplyEvent end = probe.last.future().result();
          assertFalse(end.partial());
          assertTrue(end.result().text().contains("pace 5:00 min/km"), end.result().text());
          assertEquals(end.result().text(), String.join("", probe.deltas));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an agent service that stops mid-reply ends the stream with a 503 error (retry after 1 s) carrying the text so far")
  void stopping(Vertx vertx, VertxTestContext ctx) {
    StreamProbe probe = new StreamProbe(vertx);
    vertx.deployVerticle(new AgentVerticle(), paced(5))
        .compose(id -> probe.open(ASK, false)
            .compose(opened -> {
              probe.credit(1_000);
              return probe.nextDelta();
            })
            .compose(first -> vertx.undeploy(id)))
        .compose(undeployed -> probe.last.future())
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertEquals(Messages.EVENT_ERROR, last.type());
          assertEquals(503, last.status());
          assertEquals(1, last.retryAfterSeconds());
          assertEquals(String.join("", probe.deltas), last.result().text());
          assertFalse(last.result().text().isEmpty());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("stopping with a shutdown grace: new streams go elsewhere at once, an open one runs on for the grace, then ends with a 503 and its text")
  void stoppingWithGrace(Vertx vertx, VertxTestContext ctx) {
    StreamProbe probe = new StreamProbe(vertx);
    DeploymentOptions options = paced(40);
    options.getConfig().put("shutdownGraceMillis", 300);
    int[] deltasAtStop = new int[1];
    vertx.deployVerticle(new AgentVerticle(), options)
        .compose(id -> probe.open(ASK, false)
            .compose(opened -> {
              probe.credit(1_000);
              return probe.nextDelta();
            })
            .compose(first -> {
              deltasAtStop[0] = probe.deltas.size();
              Future<?> stopped = vertx.undeploy(id);
              // the stream address has left the bus: a new reply is not taken by a stopping instance
              return new StreamProbe(vertx).open(ASK, false)
                  .transform(refused -> {
                    ctx.verify(() -> assertTrue(refused.failed(), "a new stream while stopping: " + refused));
                    return stopped;
                  });
            }))
        .compose(undeployed -> probe.last.future())
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertEquals(Messages.EVENT_ERROR, last.type());
          assertEquals(503, last.status());
          assertEquals(1, last.retryAfterSeconds());
          assertEquals(String.join("", probe.deltas), last.result().text());
          // 40 ms a token for 300 ms: more than the one delta there was when it was told to stop
          assertTrue(probe.deltas.size() >= deltasAtStop[0] + 4, "ran on: " + deltasAtStop[0] + " -> " + probe.deltas.size());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a session service that does not answer the history read is a 503 to retry, not a 500")
  void historyUnavailable(Vertx vertx, VertxTestContext ctx) {
    FakeUpstream.start(vertx, FakeUpstreamOptions.defaults().withTtftMillis(1).withTokens(3))
        .compose(fake -> vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(
            new JsonObject().put("modelBaseUrl", fake.baseUrl()).put("modelName", "m"))))
        .compose(id -> StreamProbe.run(vertx, new ReplyRequest("u1", Ids.newId().toString(), "blaze", null, "squats?"), false))
        .onComplete(ctx.succeeding(probe -> ctx.verify(() -> {
          ReplyEvent last = probe.last.future().result();
          assertEquals(Messages.EVENT_ERROR, last.type());
          assertEquals(503, last.status(), last::detail);
          assertEquals(1, last.retryAfterSeconds());
          assertTrue(last.detail().contains("session-service"), last.detail());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a stream the gateway gave up opening is released at once by the abandoned broadcast, freeing its call slot")
  void abandonedOpenReleasesSlot(Vertx vertx, VertxTestContext ctx) {
    ReplyRequest ask = new ReplyRequest("u1", null, "blaze", null, "squats?", List.of());
    StreamProbe first = new StreamProbe(vertx);
    FakeUpstream.start(vertx, FakeUpstreamOptions.defaults())
        .compose(fake -> vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(
            new JsonObject().put("modelBaseUrl", fake.baseUrl()).put("modelName", "m")
                .put("model", new JsonObject(Json.MAPPER.convertValue(withMaxConcurrent(1), Map.class))))))
        .compose(id -> first.open(ask, false))
        .compose(opened -> {
          ctx.verify(() -> assertTrue(opened instanceof StreamOpened, String.valueOf(opened)));
          vertx.eventBus().publish(Addresses.AGENT_STREAM_ABANDONED,
              new StreamControl(first.opened().streamId(), Messages.CONTROL_CANCEL, 0));
          return new StreamProbe(vertx).open(ask, false);
        })
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertTrue(second instanceof StreamOpened, "the slot is free again: " + second);
          ctx.completeNow();
        })));
  }

  private static ModelSettings withMaxConcurrent(int max) {
    ModelSettings d = ModelSettings.defaults();
    return new ModelSettings(d.connectTimeoutMillis(), d.firstTokenTimeoutMillis(), d.idleTimeoutMillis(),
        d.totalTimeoutMillis(), max, d.maxRetries(), d.breakerFailures(), d.breakerResetMillis(),
        d.fallbackToOffline(), d.contextTokens(), d.offlineTokenDelayMillis(), d.maxTokens(), d.maxReplyChars());
  }
}
