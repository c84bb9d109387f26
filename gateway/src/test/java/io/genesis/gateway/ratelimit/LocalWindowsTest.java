package io.genesis.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.ratelimit.Decision.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory sliding log (the local fallback and the fast path)")
class LocalWindowsTest {
  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final long WINDOW_NANOS = WINDOW.toNanos();

  private final FakeTicker ticker = new FakeTicker();

  private LocalWindows windows(int limit) {
    return new LocalWindows(limit, WINDOW, 10_000, ticker);
  }

  @Test
  @DisplayName("admits N, counting Remaining down, then denies until the oldest request leaves the window")
  void admitsThenDenies() {
    LocalWindows windows = windows(3);
    Decision first = windows.acquire("u", ticker.read());
    assertTrue(first.allowed());
    assertEquals(2, first.remaining());
    assertEquals(60_000, first.resetMillis(), "one slot frees when the only request is 60 s old");
    assertEquals(Source.LOCAL_FALLBACK, first.source());
    ticker.advance(Duration.ofSeconds(10));
    assertEquals(1, windows.acquire("u", ticker.read()).remaining());
    ticker.advance(Duration.ofSeconds(10));
    Decision third = windows.acquire("u", ticker.read());
    assertTrue(third.allowed());
    assertEquals(0, third.remaining());
    assertEquals(40_000, third.resetMillis(), "the first request leaves 40 s from now");
    ticker.advance(Duration.ofSeconds(5));
    Decision denied = windows.acquire("u", ticker.read());
    assertFalse(denied.allowed());
    assertEquals(0, denied.remaining());
    assertEquals(35_000, denied.resetMillis());
    assertEquals(35, denied.resetSeconds());
    assertTrue(windows.acquire("other", ticker.read()).allowed(), "callers have separate windows");
  }

  @Test
  @DisplayName("a slot frees exactly when the oldest request is 60 s old, not a nanosecond before")
  void exactBoundary() {
    LocalWindows windows = windows(1);
    assertTrue(windows.acquire("u", ticker.read()).allowed());
    ticker.advanceNanos(WINDOW_NANOS - 1);
    Decision justBefore = windows.acquire("u", ticker.read());
    assertFalse(justBefore.allowed());
    assertEquals(1, justBefore.resetMillis(), "rounded up, so a retry after it succeeds");
    ticker.advanceNanos(1);
    assertTrue(windows.acquire("u", ticker.read()).allowed());
  }

  @Test
  @DisplayName("a clock read just before another event loop logged a later request never yields a reset beyond the window")
  void staleClockRead() {
    LocalWindows windows = windows(1);
    long readEarlier = ticker.read();
    ticker.advance(Duration.ofMillis(5));
    assertTrue(windows.acquire("u", ticker.read()).allowed());
    Decision denied = windows.acquire("u", readEarlier);
    assertFalse(denied.allowed());
    assertEquals(60_000, denied.resetMillis());
    assertEquals(60, denied.resetSeconds());
  }

  @Test
  @DisplayName("random arrivals for 30 minutes: never N+1 in any 60 s, and never a denial with a free slot")
  void exactUnderRandomArrivals() {
    int limit = 7;
    LocalWindows windows = windows(limit);
    Random random = new Random(42);
    List<Long> admitted = new ArrayList<>();
    long end = ticker.read() + Duration.ofMinutes(30).toNanos();
    int denials = 0;
    while (ticker.read() < end) {
      ticker.advanceNanos((long) (random.nextDouble() * random.nextDouble() * 20e9));
      long now = ticker.read();
      long inWindow = admitted.stream().filter(t -> now - t < WINDOW_NANOS).count();
      Decision decision = windows.acquire("u", now);
      assertEquals(inWindow < limit, decision.allowed(), () -> inWindow + " in the window at " + now);
      if (decision.allowed()) {
        admitted.add(now);
        assertEquals(limit - inWindow - 1, decision.remaining());
      } else {
        denials++;
        long oldest = admitted.stream().filter(t -> now - t < WINDOW_NANOS).min(Long::compare).orElseThrow();
        assertEquals((oldest + WINDOW_NANOS - now + 999_999) / 1_000_000, decision.resetMillis());
      }
    }
    for (int i = 0; i + limit < admitted.size(); i++) {
      assertTrue(admitted.get(i + limit) - admitted.get(i) >= WINDOW_NANOS, "N+1 admissions within 60 s at #" + i);
    }
    assertTrue(denials > 50 && admitted.size() > 100, "the walk exercised both sides: " + denials + " / " + admitted.size());
  }

  @Test
  @DisplayName("16 threads racing on one caller: exactly N admitted")
  void exactUnderConcurrency() throws InterruptedException {
    int limit = 50;
    LocalWindows windows = windows(limit);
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 16; t++) {
      pool.execute(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 100; i++) {
          if (windows.acquire("u", ticker.read()).allowed()) {
            admitted.incrementAndGet();
          }
        }
      });
    }
    start.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(limit, admitted.get());
  }

  @Test
  @DisplayName("fast path: a full window reported by Redis is denied locally until the reset, never longer")
  void learnsFromRedis() {
    LocalWindows windows = windows(100);
    long sentAt = ticker.read();
    assertNull(windows.reserve("u", sentAt), "nothing known: ask Redis");
    windows.settle("u", sentAt, new Decision(false, 100, 0, 30_000, Source.REDIS));
    ticker.advance(Duration.ofMillis(29_999));
    Decision local = windows.reserve("u", ticker.read());
    assertNotNull(local);
    assertFalse(local.allowed());
    assertEquals(Source.LOCAL_FAST_PATH, local.source());
    assertEquals(1, local.resetMillis());
    ticker.advance(Duration.ofMillis(1));
    assertNull(windows.reserve("u", ticker.read()), "a slot is free in Redis now: ask it");
  }

  @Test
  @DisplayName("fast path: N admissions by Redis through this instance deny the next one locally, even out of order")
  void mirrorsRedisAdmissions() {
    LocalWindows windows = windows(3);
    long t0 = ticker.read();
    assertNull(windows.reserve("u", t0 + 2_000));
    assertNull(windows.reserve("u", t0));
    windows.settle("u", t0 + 2_000, new Decision(true, 3, 1, 60_000, Source.REDIS));
    windows.settle("u", t0, new Decision(true, 3, 2, 60_000, Source.REDIS));
    assertNull(windows.reserve("u", t0 + 1_000), "2 of 3: only Redis knows what other gateways did");
    windows.settle("u", t0 + 1_000, new Decision(true, 3, 1, 60_000, Source.REDIS));
    Decision full = windows.reserve("u", t0 + 3_000);
    assertNotNull(full);
    assertEquals((WINDOW_NANOS - 3_000 + 999_999) / 1_000_000, full.resetMillis(), "until the one sent at t0 leaves");
    assertNull(windows.reserve("u", t0 + WINDOW_NANOS), "the oldest (t0, reserved second) left on time");
  }

  @Test
  @DisplayName("a request sent to Redis holds its entry until Redis denies it, however late; local decisions count it meanwhile")
  void inFlightRequestsCount() {
    LocalWindows windows = windows(3);
    long t0 = ticker.read();
    assertNull(windows.reserve("u", t0));
    assertNull(windows.reserve("u", t0 + 1));
    assertTrue(windows.acquire("u", t0 + 2).allowed(), "two in flight, one slot left");
    Decision full = windows.acquire("u", t0 + 3);
    assertFalse(full.allowed(), "the two whose answers have not come may be admitted by Redis");
    windows.settle("u", t0 + 1, new Decision(false, 3, 0, 10, Source.REDIS));
    ticker.advance(Duration.ofMillis(11));
    assertTrue(windows.acquire("u", ticker.read()).allowed(), "Redis denied one, late: its entry is given back");
    windows.settle("u", t0, new Decision(true, 3, 1, 60_000, Source.REDIS));
    assertFalse(windows.acquire("u", ticker.read()).allowed(), "Redis admitted the other: it keeps its entry");
  }

  @Test
  @DisplayName("works across the wrap of the nanosecond clock")
  void survivesClockWrap() {
    FakeTicker wrapping = new FakeTicker(Long.MAX_VALUE - WINDOW_NANOS / 2);
    SlidingLog log = new SlidingLog();
    assertTrue(log.acquire(wrapping.read(), 1, WINDOW_NANOS).allowed());
    wrapping.advance(Duration.ofSeconds(59));
    assertFalse(log.acquire(wrapping.read(), 1, WINDOW_NANOS).allowed());
    wrapping.advance(Duration.ofSeconds(1));
    assertTrue(log.acquire(wrapping.read(), 1, WINDOW_NANOS).allowed());
  }

  @Test
  @DisplayName("memory is bounded: a log never holds more than N entries, and callers beyond the maximum are evicted")
  void boundedMemory() {
    SlidingLog log = new SlidingLog();
    for (int i = 0; i < 1_000; i++) {
      log.reserve(ticker.read() + i, 10, WINDOW_NANOS);
    }
    assertEquals(10, log.size());
    LocalWindows windows = new LocalWindows(5, WINDOW, 100, ticker);
    for (int i = 0; i < 1_000; i++) {
      windows.acquire("caller-" + i, ticker.read());
    }
    assertTrue(windows.keys() <= 100, "keys: " + windows.keys());
    ticker.advance(WINDOW);
    assertEquals(0, windows.keys(), "a window without requests drops a caller");
  }
}
