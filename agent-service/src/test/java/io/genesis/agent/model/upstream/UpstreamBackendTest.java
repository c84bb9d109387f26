package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.ModelRequest;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.error.ServiceException;
import io.genesis.perf.fake.FakeUpstream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Streaming, the request sent, limits, fallback, bulkhead, cancel, backpressure, malformed answers. */
class UpstreamBackendTest extends UpstreamHarness {
  @Test
  @DisplayName("streamed deltas add up to the answer, usage comes from the upstream, the API key is sent")
  void streams(VertxTestContext ctx) {
    TestSink sink = TestSink.unbounded();
    start(FAST, new TestSettings())
        .compose(v -> call(HELLO, sink))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(IntStream.range(0, 12).mapToObj(FakeUpstream::token).toList(), sink.deltas);
          assertEquals(FakeUpstream.text(12), answer.text());
          assertEquals(12, answer.usage().completionTokens());
          assertTrue(answer.usage().promptTokens() > 0);
          assertEquals("Bearer sk-test", fake.lastAuthorization());
          assertEquals(0, backend.inFlight());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the upstream gets the model, the system prompt with the handoff, the newest history that fits, then the message")
  void request(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.contextTokens = 1_000;
    String long400 = "x".repeat(400);
    List<ChatTurn> history = IntStream.range(0, 30)
        .mapToObj(i -> new ChatTurn(i % 2 == 0 ? "user" : "assistant", i + long400))
        .toList();
    ModelRequest request = new ModelRequest(BLAZE, "And my knees?",
        new Handoff("wave", "blaze", "strength question"), "WAVE", history);
    start(FAST, settings)
        .compose(v -> call(request, TestSink.unbounded()))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          JsonObject body = fake.lastRequest();
          assertEquals("test-model", body.getString("model"));
          assertEquals(true, body.getBoolean("stream"));
          assertEquals(true, body.getJsonObject("stream_options").getBoolean("include_usage"));
          JsonArray messages = body.getJsonArray("messages");
          JsonObject system = messages.getJsonObject(0);
          assertEquals("system", system.getString("role"));
          assertTrue(system.getString("content").startsWith(BLAZE.systemPrompt()));
          assertTrue(system.getString("content").endsWith("WAVE handed this conversation over to you (strength question)."));
          JsonObject last = messages.getJsonObject(messages.size() - 1);
          assertEquals("user", last.getString("role"));
          assertEquals("And my knees?", last.getString("content"));
          assertEquals(1_024, body.getInteger("max_tokens"), "GENESIS_MODEL_MAX_TOKENS when the agent sets none");
          int kept = messages.size() - 2;
          assertTrue(kept > 0 && kept < 30, "history turns kept: " + kept);
          assertTrue(messages.getJsonObject(kept).getString("content").startsWith("29x"), "the newest turn is kept");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a reply longer than the size limit is cut there: finish reason length, the connection closed, no breaker failure")
  void replySizeLimit(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.maxReplyChars = 10;
    TestSink sink = TestSink.unbounded();
    start(FAST.withTokens(200).withTokensPerSecond(100), settings)
        .compose(v -> call(HELLO, sink))
        .compose(answer -> {
          assertEquals(FakeUpstream.text(200).substring(0, 10), answer.text());
          assertEquals(answer.text(), sink.text());
          assertEquals("length", answer.finishReason());
          return fake.cancelled().atLeast(1);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(0, backend.breaker().breaker().failureCount());
          assertEquals(0, fake.completed().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an agent's own maxTokens is the max_tokens of its requests")
  void agentMaxTokens(VertxTestContext ctx) {
    AgentDefinition b = BLAZE;
    AgentDefinition terse = new AgentDefinition(b.id(), b.name(), b.specialty(), b.description(), b.systemPrompt(),
        b.keywords(), b.model(), 77, b.handoffTargets(), b.calculators(), b.voice());
    start(FAST, new TestSettings())
        .compose(v -> call(ModelRequest.of(terse, "hi"), TestSink.unbounded()))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(77, fake.lastRequest().getInteger("max_tokens"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with the offline fallback, an open breaker hands calls to the offline coach as offline-fallback")
  void fallback(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.breakerFailures = 1;
    settings.fallbackToOffline = true;
    TestSink sink = TestSink.unbounded();
    start(FAST.withFailFirst(1), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .compose(v -> on(() -> {
          ModelCall call = backend.admit();
          assertEquals(UpstreamBackend.FALLBACK, call.backend());
          return call.stream(HELLO, sink);
        }))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertTrue(answer.text().length() > 20, answer.text());
          assertEquals(answer.text(), sink.text());
          assertEquals(1, fake.requests().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the bulkhead: beyond maxConcurrent admit() throws 503 at once; release and completion free the slot once")
  void bulkhead(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.maxConcurrent = 1;
    start(FAST, settings)
        .compose(v -> on(() -> {
          ModelCall first = backend.admit();
          ServiceException busy = assertThrows(ServiceException.class, backend::admit);
          assertEquals(503, busy.status());
          assertEquals(1, busy.retryAfterSeconds());
          first.release();
          first.release();
          assertEquals(0, backend.inFlight());
          ModelCall second = backend.admit();
          Future<ModelAnswer> streaming = second.stream(HELLO, TestSink.unbounded());
          second.release();
          assertEquals(1, backend.inFlight());
          assertThrows(ServiceException.class, backend::admit);
          return streaming;
        }))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(0, backend.inFlight());
          backend.admit().release();
          assertEquals(0, backend.inFlight());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("cancel mid-stream closes the upstream connection and completes with the partial text, no breaker failure")
  void cancel(VertxTestContext ctx) {
    start(FAST.withTokens(200).withTokensPerSecond(100), new TestSettings())
        .compose(v -> call(HELLO, TestSink.cancellingAfter(3)))
        .compose(answer -> {
          assertEquals(FakeUpstream.text(3), answer.text());
          assertNull(answer.usage());
          assertEquals(0, backend.inFlight());
          return fake.cancelled().atLeast(1);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(0, backend.breaker().breaker().failureCount());
          assertEquals(0, fake.completed().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("backpressure: a sink that pauses after every delta still gets every token, in order, none while paused")
  void backpressure(VertxTestContext ctx) {
    TestSink sink = TestSink.pausingAfterEachDelta(vertx);
    start(FAST.withTokens(60), new TestSettings())
        .compose(v -> call(HELLO, sink))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(IntStream.range(0, 60).mapToObj(FakeUpstream::token).toList(), sink.deltas);
          assertEquals(0, sink.deltasWhilePaused());
          assertTrue(sink.pauses() >= 60, "pauses: " + sink.pauses());
          assertEquals(FakeUpstream.text(60), answer.text());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a 200 that is not an event stream, or an event that is not a chunk: 502 malformed stream")
  void malformed(VertxTestContext ctx) {
    vertx.createHttpServer().requestHandler(request -> {
      boolean json = request.path().startsWith("/json/");
      request.response().putHeader("Content-Type", json ? "application/json" : "text/event-stream")
          .end(json ? "{}" : "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: not json\n\n");
    }).listen(0, "127.0.0.1")
        .compose(server -> {
          String base = "http://127.0.0.1:" + server.actualPort();
          backend = backendFor(base + "/json", new TestSettings());
          return failure(call(HELLO, TestSink.unbounded())).compose(notSse -> {
            assertStatus(502, "sent a malformed stream: a Content-Type of application/json", notSse);
            backend = backendFor(base + "/sse", new TestSettings());
            return failure(call(HELLO, TestSink.unbounded()));
          });
        })
        .onComplete(ctx.succeeding(badChunk -> ctx.verify(() -> {
          assertStatus(502, "an event that is not a chat.completion.chunk: not json", badChunk);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an agent without a model and no GENESIS_MODEL_NAME fails with 500 naming the setting")
  void noModel(VertxTestContext ctx) {
    FakeUpstream.start(vertx, FAST)
        .compose(started -> {
          fake = started;
          backend = new UpstreamBackend(vertx, new UpstreamConfig(started.baseUrl(), null, null,
              new TestSettings().build(), Backoff.DEFAULT), offline);
          return failure(call(HELLO, TestSink.unbounded()));
        })
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(500, "GENESIS_MODEL_NAME is not set", error);
          assertEquals(0, fake.requests().get());
          assertEquals(0, backend.inFlight());
          ctx.completeNow();
        })));
  }
}
