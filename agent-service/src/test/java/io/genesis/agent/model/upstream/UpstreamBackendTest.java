package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.coach.OfflineCoach;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.model.OfflineBackend;
import io.genesis.agent.model.ReplySink;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.error.ServiceException;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class UpstreamBackendTest {
  private static final AgentDefinition BLAZE = TestAgents.builtIn().find("blaze").orElseThrow();
  private static final ModelRequest HELLO = ModelRequest.of(BLAZE, "How do I squat deeper?");
  /** 5 ms to the first token, then as fast as possible. */
  private static final FakeUpstreamOptions FAST = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(12);

  private Vertx vertx;
  private Context context;
  private OfflineBackend offline;
  private FakeUpstream fake;
  private UpstreamBackend backend;
  private final List<Closeable> blocking = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.offline = new OfflineBackend(vertx, new OfflineCoach(), 0);
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Closeable socket : blocking) {
      socket.close();
    }
  }

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
  @DisplayName("a closed port fails fast with 503 (logged naming the upstream, told to the client in product terms), after the configured retries")
  void refused(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.maxRetries = 2;
    FakeUpstream.start(vertx, FAST)
        .compose(closing -> closing.close().map(closed -> closing.baseUrl()))
        .compose(url -> {
          backend = backendFor(url, settings);
          return failure(call(HELLO, TestSink.unbounded())).map(error -> {
            assertStatus(503, "model upstream " + url + " cannot be reached", error);
            assertTrue(((UpstreamFailure.Logged) error).logged().endsWith("(3 attempts)"), error.toString());
            assertEquals("the model service is unavailable", error.getMessage());
            return error;
          });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a server that never accepts the connection: 504 after the connect timeout")
  void connectTimeout(VertxTestContext ctx) throws IOException {
    TestSettings settings = new TestSettings();
    settings.connect = 100;
    // Linux drops SYNs once a listening socket's accept queue (backlog + 1) is full: the next connect hangs.
    ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    blocking.add(full);
    for (int i = 0; i < 2; i++) {
      Socket filler = new Socket();
      filler.connect(full.getLocalSocketAddress(), 1_000);
      blocking.add(filler);
    }
    backend = backendFor("http://127.0.0.1:" + full.getLocalPort() + "/v1", settings);
    failure(call(HELLO, TestSink.unbounded())).onComplete(ctx.succeeding(error -> ctx.verify(() -> {
      assertStatus(504, "did not accept a connection within 100 ms", error);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("no first token within the budget: 504, not retried (a silent upstream would hang again), its connection closed")
  void firstTokenTimeout(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.firstToken = 100;
    settings.maxRetries = 3;
    start(FAST.withHangRate(1), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .compose(error -> {
          assertStatus(504, "sent no token within the 100 ms budget", error);
          assertEquals(1, fake.requests().get(), "a hang is not retried");
          return fake.cancelled().atLeast(1);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("one first-token budget for the whole call: a 500 is retried, the hang behind it ends the call when the budget runs out")
  void budgetSpansAttempts(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.firstToken = 400;
    settings.maxRetries = 5;
    start(FAST.withFailFirst(1).withHangRate(1), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(504, "sent no token within the 400 ms budget (2 attempts)", error);
          assertEquals(2, fake.requests().get(), "the 500 was retried, the hang was not");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("retries stop when the budget has no room left for the next pause: fewer attempts than max retries, still a 502")
  void retriesWithinBudget(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.firstToken = 300;
    settings.maxRetries = 10;
    start(FAST.withFailRate(1), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(502, "answered HTTP 500", error);
          int made = fake.requests().get();
          assertTrue(made >= 2 && made < 11, "attempts within a 300 ms budget with Backoff(20, 200): " + made);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a role chunk is not a token: a slow first token times out too")
  void slowFirstToken(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.firstToken = 100;
    start(FAST.withTtftMillis(10_000), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(504, "sent no token within the 100 ms budget", error);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("silence after some tokens: 504 idle timeout, the deltas stay written, no retry")
  void idleTimeout(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.idle = 100;
    settings.maxRetries = 3;
    TestSink sink = TestSink.unbounded();
    start(FAST.withHangAfterTokens(3), settings)
        .compose(v -> failure(call(HELLO, sink)))
        .compose(error -> {
          assertStatus(504, "went silent for 100 ms after 3 tokens", error);
          assertEquals(FakeUpstream.text(3), sink.text());
          assertEquals(1, fake.requests().get());
          return fake.cancelled().atLeast(1);
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an answer that takes longer than the total timeout: 504, with the deltas so far written")
  void totalTimeout(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.total = 200;
    TestSink sink = TestSink.unbounded();
    start(FAST.withTokens(100).withTokensPerSecond(50), settings)
        .compose(v -> failure(call(HELLO, sink)))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(504, "did not finish its answer within 200 ms", error);
          assertTrue(!sink.deltas.isEmpty() && sink.deltas.size() < 100, "deltas: " + sink.deltas.size());
          assertEquals(1, fake.requests().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("retries with backoff before the first token: succeeds after K upstream 500s")
  void retries(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.maxRetries = 2;
    long started = System.nanoTime();
    start(FAST.withFailFirst(2), settings)
        .compose(v -> call(HELLO, TestSink.unbounded()))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(FakeUpstream.text(12), answer.text());
          assertEquals(3, fake.requests().get());
          long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
          // Backoff(20, 200): at least 10 ms, then at least 20 ms.
          assertTrue(elapsedMillis >= 30, "elapsed " + elapsedMillis + " ms");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("more upstream 500s than retries: 502 with Retry-After; the upstream's own message is logged, never told to the client")
  void retriesExhausted(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.maxRetries = 1;
    start(FAST.withFailFirst(5), settings)
        .compose(v -> failure(call(HELLO, TestSink.unbounded())))
        .onComplete(ctx.succeeding(error -> ctx.verify(() -> {
          assertStatus(502, "answered HTTP 500: fake upstream failure (2 attempts)", error);
          assertEquals("the model service failed", error.getMessage());
          assertEquals(2, fake.requests().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the breaker opens after N failed calls (503 with retry-after), and a successful trial call closes it")
  void breaker(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.breakerFailures = 2;
    settings.breakerResetMillis = 200;
    Promise<Void> halfOpen = Promise.promise();
    start(FAST.withFailFirst(2), settings)
        .compose(v -> {
          backend.breaker().breaker().halfOpenHandler(h -> halfOpen.tryComplete());
          return failure(call(HELLO, TestSink.unbounded()));
        })
        .compose(first -> failure(call(HELLO, TestSink.unbounded())))
        .compose(second -> failure(call(HELLO, TestSink.unbounded())))
        .compose(refused -> {
          assertStatus(503, "the model service is unavailable", refused);
          assertEquals(1, ((ServiceException) refused).retryAfterSeconds());
          assertEquals(2, fake.requests().get());
          return halfOpen.future();
        })
        .compose(v -> call(HELLO, TestSink.unbounded()))
        .compose(trial -> {
          assertEquals(CircuitBreakerState.CLOSED, backend.breaker().breaker().state());
          return call(HELLO, TestSink.unbounded());
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(FakeUpstream.text(12), answer.text());
          assertEquals(4, fake.requests().get());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the breaker counts each call's timeout when its budget runs out: hung calls are not retried, and the next call is refused at once")
  void breakerCountsTimeouts(VertxTestContext ctx) {
    TestSettings settings = new TestSettings();
    settings.firstToken = 200;
    settings.maxRetries = 2;
    settings.breakerFailures = 2;
    settings.breakerResetMillis = 30_000;
    start(FAST.withHangRate(1), settings)
        .compose(v -> Future.all(failure(call(HELLO, TestSink.unbounded())), failure(call(HELLO, TestSink.unbounded()))))
        .compose(both -> {
          assertStatus(504, "sent no token within the 200 ms budget", both.resultAt(0));
          assertTrue(((ServiceException) both.resultAt(1)).retryAfterSeconds() >= 1);
          assertEquals(2, fake.requests().get(), "no retry after a silent hang");
          assertEquals(CircuitBreakerState.OPEN, backend.breaker().breaker().state());
          return failure(call(HELLO, TestSink.unbounded()));
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertStatus(503, "the model service is unavailable", refused);
          assertTrue(((ServiceException) refused).retryAfterSeconds() > 1, "until the trial call: " + refused);
          assertEquals(2, fake.requests().get(), "an open breaker calls no upstream");
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

  private Future<Void> start(FakeUpstreamOptions options, TestSettings settings) {
    return FakeUpstream.start(vertx, options).map(started -> {
      fake = started;
      backend = backendFor(started.baseUrl(), settings);
      return null;
    });
  }

  private UpstreamBackend backendFor(String url, TestSettings settings) {
    return new UpstreamBackend(vertx, new UpstreamConfig(url, "sk-test", "test-model", settings.build(),
        new Backoff(20, 200)), offline);
  }

  /** Admits and streams on the test's event-loop context, as the agent verticle does. */
  private Future<ModelAnswer> call(ModelRequest request, ReplySink sink) {
    return on(() -> backend.admit().stream(request, sink));
  }

  private <T> Future<T> on(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException | AssertionError e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** The failure of {@code future}, as a success; a success becomes a failure. */
  private static Future<Throwable> failure(Future<?> future) {
    return future.transform(ar -> ar.failed()
        ? Future.succeededFuture(ar.cause())
        : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result())));
  }

  /**
   * {@code error} has {@code status}, and {@code part} in its account: the log's for an upstream
   * failure (whose client detail is then the product phrase, with Retry-After), else its detail.
   */
  private static void assertStatus(int status, String part, Throwable error) {
    ServiceException e = assertInstanceOf(ServiceException.class, error);
    assertEquals(status, e.status(), e.getMessage());
    String account = e instanceof UpstreamFailure.Logged logged ? logged.logged() : e.getMessage();
    assertTrue(account.contains(part), account);
    if (e instanceof UpstreamFailure.Logged) {
      assertEquals(UpstreamFailure.clientDetail(status), e.getMessage());
      assertTrue(e.retryAfterSeconds() >= 1, "Retry-After on " + status);
    }
  }
}
