package io.genesis.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.ratelimit.Decision.Source;
import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
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
  @DisplayName("the store refusing connections: decisions go local at once with the same limit, nothing fails, health says DEGRADED")
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
    assertEquals(1, remote.calls, "a refused connection proves Redis unreachable: local for the retry interval");
    assertEquals(1, limiter.stats().redisFailures());
    assertEquals(RateLimiter.DEGRADED, limiter.health().result());
  }

  @Test
  @DisplayName("a failed call that proves nothing is not admitted (503, its entry kept); three in a row take the limiter local")
  void failuresThatProveNothing() {
    RateLimiter limiter = process();
    remote.erroring = true;
    Decision first = decide(limiter, "user:g");
    assertTrue(first.undecided());
    assertFalse(first.allowed());
    remote.erroring = false;
    Decision next = decide(limiter, "user:g");
    assertEquals(Source.REDIS, next.source());
    assertEquals(LIMIT - 1, next.remaining(), "the store counted only what it decided");
    remote.erroring = true;
    assertTrue(decide(limiter, "user:g").undecided());
    assertTrue(decide(limiter, "user:g").undecided());
    remote.erroring = false;
    assertEquals(Source.REDIS, decide(limiter, "user:g").source(), "two failures after a success are not three in a row");
    Decision held = decide(limiter, "user:g");
    assertEquals(Source.LOCAL_FAST_PATH, held.source(), "5 entries held: 2 admitted, 3 whose fate Redis may still decide");
    remote.erroring = true;
    assertTrue(decide(limiter, "user:h").undecided());
    assertTrue(decide(limiter, "user:h").undecided());
    Decision third = decide(limiter, "user:h");
    assertEquals(Source.LOCAL_FALLBACK, third.source(), "the third failure in a row: Redis counts as down");
    assertTrue(third.allowed());
    assertEquals(LIMIT - 3, third.remaining(), "the two undecided requests count against the local window");
    assertEquals(5, limiter.stats().undecided());
  }

  @Test
  @DisplayName("a full Redis pool is not an outage: however many calls it refuses, nothing is decided locally")
  void fullPoolStaysShared() {
    RateLimiter limiter = process();
    remote.busy = true;
    for (int i = 0; i < 10; i++) {
      Decision decision = decide(limiter, "user:p" + i);
      assertTrue(decision.undecided(), "call " + i + " was refused for want of a decision");
    }
    assertFalse(limiter.health().result().startsWith("DEGRADED"), "the limiter never went local");
    remote.busy = false;
    assertEquals(Source.REDIS, decide(limiter, "user:q").source());
  }

  @Test
  @DisplayName("while degraded, one request per second probes the store; its recovery makes decisions shared again")
  void recovers() {
    RateLimiter limiter = process();
    remote.failing = true;
    decide(limiter, "user:d");
    ticker.advance(Duration.ofMillis(999));
    decide(limiter, "user:d");
    assertEquals(1, remote.calls);
    ticker.advance(Duration.ofMillis(1));
    decide(limiter, "user:d");
    decide(limiter, "user:d");
    assertEquals(2, remote.calls, "exactly one probe after the interval");
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
    /** Refusing connections: nothing is sent. */
    boolean failing;
    /** Connected, but every call fails (an error reply, a connection cut mid-call). */
    boolean erroring;
    /** This process's pool is full: the call is never sent, while Redis answers the others. */
    boolean busy;
    int calls;

    FakeRemote(FakeTicker ticker) {
      this.ticker = ticker;
    }

    @Override
    public Future<Decision> acquire(String key, int limit, long windowMillis) {
      calls++;
      if (failing) {
        return Future.failedFuture(new ConnectException("connection refused"));
      }
      if (erroring) {
        return Future.failedFuture("ERR something went wrong");
      }
      if (busy) {
        return Future.failedFuture(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 512"));
      }
      Decision decision = logs.computeIfAbsent(key, k -> new SlidingLog())
          .acquire(ticker.read(), limit, Duration.ofMillis(windowMillis).toNanos());
      return Future.succeededFuture(decision.from(Source.REDIS));
    }

    @Override
    public Future<Void> load(long timeoutMillis) {
      return ping(timeoutMillis);
    }

    @Override
    public Future<Void> ping(long timeoutMillis) {
      return failing ? Future.failedFuture(new ConnectException("connection refused")) : Future.succeededFuture();
    }
  }
}
