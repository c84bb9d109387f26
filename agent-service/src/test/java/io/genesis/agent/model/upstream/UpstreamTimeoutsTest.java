package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.error.ServiceException;
import io.genesis.perf.fake.FakeUpstream;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Refusals, timeouts within one first-token budget, retries and the circuit breaker. */
class UpstreamTimeoutsTest extends UpstreamHarness {
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

}
