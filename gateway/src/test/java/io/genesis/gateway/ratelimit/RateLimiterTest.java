package io.genesis.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.ratelimit.Decision.Source;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The rate limiter's decisions: fast path, shared store, local fallback")
class RateLimiterTest {
  private static final int LIMIT = 5;
  private static final Duration WINDOW = Duration.ofSeconds(60);

  private final FakeTicker ticker = new FakeTicker();
  private final FakeRemote remote = new FakeRemote(ticker);

  /** One gateway process: its own local state and counters, the shared remote. */
  private RateLimiter process() {
    return new RateLimiter(new LocalWindows(LIMIT, WINDOW, 1_000, ticker), remote,
        new RemoteHealth(3, Duration.ofSeconds(1).toNanos()), new RateLimitStats(), 200);
  }

  private static Decision decide(RateLimiter limiter, String key) {
    Future<Decision> decision = limiter.acquire(key);
    assertTrue(decision.succeeded(), "the limiter never fails");
    return decision.result();
  }

  @Test
  @DisplayName("under the limit every decision is the shared store's; over it, 429s come locally without a round trip")
  void fastPath() {
    RateLimiter limiter = process();
    for (int i = 0; i < LIMIT; i++) {
      Decision decision = decide(limiter, "user:a");
      assertTrue(decision.allowed());
      assertEquals(Source.REDIS, decision.source());
      assertEquals(LIMIT - 1 - i, decision.remaining());
    }
    assertEquals(LIMIT, remote.calls);
    for (int i = 0; i < 10; i++) {
      Decision denied = decide(limiter, "user:a");
      assertFalse(denied.allowed());
      assertEquals(Source.LOCAL_FAST_PATH, denied.source());
    }
    assertEquals(LIMIT, remote.calls, "no round trip for a caller known to be over");
    assertEquals(LIMIT, limiter.stats().allowed());
    assertEquals(10, limiter.stats().limited());
    assertEquals(10, limiter.stats().fastPathLimited());
    ticker.advance(WINDOW);
    assertEquals(Source.REDIS, decide(limiter, "user:a").source(), "the window slid: ask again");
  }

  @Test
  @DisplayName("two processes share one window: N in total, and each learns the other's admissions from the store")
  void sharedAcrossProcesses() {
    RateLimiter first = process();
    RateLimiter second = process();
    int admitted = 0;
    for (int i = 0; i < 3 * LIMIT; i++) {
      if (decide(i % 2 == 0 ? first : second, "user:b").allowed()) {
        admitted++;
      }
    }
    assertEquals(LIMIT, admitted);
    assertTrue(second.stats().fastPathLimited() > 0 && first.stats().fastPathLimited() > 0);
  }

  @Test
  @DisplayName("the store failing: decisions go local with the same limit, nothing fails, health says DEGRADED")
  void fallsBackLocally() {
    RateLimiter limiter = process();
    remote.failing = true;
    int admitted = 0;
    for (int i = 0; i < 3 * LIMIT; i++) {
      Decision decision = decide(limiter, "user:c");
      assertEquals(Source.LOCAL_FALLBACK, decision.source());
      admitted += decision.allowed() ? 1 : 0;
    }
    assertEquals(LIMIT, admitted);
    assertEquals(3 * LIMIT, limiter.stats().localFallback());
    assertEquals(3, remote.calls, "three failures in a row, then local for the retry interval");
    assertEquals(3, limiter.stats().redisFailures());
    assertEquals(RateLimiter.DEGRADED, limiter.health().result());
  }

  @Test
  @DisplayName("a lone failure is decided locally but does not take the limiter off Redis")
  void loneFailure() {
    RateLimiter limiter = process();
    remote.failing = true;
    assertEquals(Source.LOCAL_FALLBACK, decide(limiter, "user:g").source());
    remote.failing = false;
    Decision next = decide(limiter, "user:g");
    assertEquals(Source.REDIS, next.source());
    assertEquals(LIMIT - 1, next.remaining(), "the store counted only what it decided");
    remote.failing = true;
    decide(limiter, "user:g");
    decide(limiter, "user:g");
    remote.failing = false;
    assertEquals(Source.REDIS, decide(limiter, "user:g").source(), "two failures after a success are not three in a row");
    assertEquals(5, remote.calls);
  }

  @Test
  @DisplayName("while degraded, one request per second probes the store; its recovery makes decisions shared again")
  void recovers() {
    RateLimiter limiter = process();
    remote.failing = true;
    for (int i = 0; i < 3; i++) {
      decide(limiter, "user:d");
    }
    ticker.advance(Duration.ofMillis(999));
    decide(limiter, "user:d");
    assertEquals(3, remote.calls);
    ticker.advance(Duration.ofMillis(1));
    decide(limiter, "user:d");
    decide(limiter, "user:d");
    assertEquals(4, remote.calls, "exactly one probe after the interval");
    remote.failing = false;
    assertEquals(RateLimiter.UP, limiter.health().result(), "a readiness ping ends the degraded period");
    Decision shared = decide(limiter, "user:e");
    assertEquals(Source.REDIS, shared.source());
  }

  @Test
  @DisplayName("admissions made locally during an outage still count on this instance after recovery")
  void outageHistoryKept() {
    RateLimiter limiter = process();
    remote.failing = true;
    for (int i = 0; i < LIMIT; i++) {
      assertTrue(decide(limiter, "user:f").allowed());
    }
    remote.failing = false;
    limiter.health();
    Decision next = decide(limiter, "user:f");
    assertFalse(next.allowed(), "this instance already let N through in this window");
    assertEquals(Source.LOCAL_FAST_PATH, next.source());
  }

  /** The shared store: an exact sliding log per key on the test's clock, that can be made to fail. */
  private static final class FakeRemote implements RemoteWindows {
    private final FakeTicker ticker;
    private final Map<String, SlidingLog> logs = new HashMap<>();
    boolean failing;
    int calls;

    FakeRemote(FakeTicker ticker) {
      this.ticker = ticker;
    }

    @Override
    public Future<Decision> acquire(String key, int limit, long windowMillis) {
      calls++;
      if (failing) {
        return Future.failedFuture("connection refused");
      }
      Decision decision = logs.computeIfAbsent(key, k -> new SlidingLog())
          .acquire(ticker.read(), limit, Duration.ofMillis(windowMillis).toNanos());
      return Future.succeededFuture(decision.from(Source.REDIS));
    }

    @Override
    public Future<Void> ping(long timeoutMillis) {
      return failing ? Future.failedFuture("connection refused") : Future.succeededFuture();
    }
  }
}
