package io.genesis.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Per-route figures and the slowest requests")
class RequestFiguresTest {
  private static final long MS = 1_000_000;

  @Test
  @DisplayName("percentiles, rate and error rates over the window; 4xx and 5xx apart")
  void routeFigures() {
    RouteWindow window = new RouteWindow("GET", "/api/v1/agents", 0);
    for (int i = 1; i <= 100; i++) {
      window.record(i <= 2 ? 503 : i <= 12 ? 404 : 200, i * MS);
    }
    window.rotate(10_000, 10_000, 60_000);
    JsonObject figures = window.toJson(10_000);
    assertEquals(100, figures.getLong("requests"));
    assertEquals(10.0, figures.getDouble("ratePerSecond"));
    assertEquals(0.02, figures.getDouble("errorRate"));
    assertEquals(0.1, figures.getDouble("clientErrorRate"));
    assertEquals(50.0, figures.getDouble("p50Ms"), 0.5);
    assertEquals(95.0, figures.getDouble("p95Ms"), 1.0);
    assertEquals(99.0, figures.getDouble("p99Ms"), 1.0);
  }

  @Test
  @DisplayName("a status counts as success below 400, a client error for 4xx and a server error from 500")
  void statusClasses() {
    int[][] cases = {{101, 0}, {200, 0}, {304, 0}, {399, 0}, {400, 1}, {429, 1}, {499, 1}, {500, 2}, {503, 2}, {599, 2}};
    for (int[] c : cases) {
      assertEquals(c[1], RouteWindow.statusClass(c[0]), "status " + c[0]);
    }
  }

  @Test
  @DisplayName("four threads recording at once, latencies from 1 µs to over the range, while another reads: every request counted")
  void concurrentRecording() {
    RouteWindow window = new RouteWindow("GET", "/x", 0);
    int threads = 4;
    int each = 200_000;
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long seed = t;
          writers.add(pool.submit(() -> {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < each; i++) {
              window.record(200, (long) Math.pow(10, 3 + random.nextDouble() * 10));
            }
          }));
        }
        Future<?> reader = pool.submit(() -> {
          for (int i = 1; i <= 200; i++) {
            window.rotate(i, 10_000, 60_000);
          }
        });
        for (Future<?> writer : writers) {
          writer.get();
        }
        reader.get();
      } finally {
        pool.shutdownNow();
      }
    });
    window.rotate(1_000, 10_000, 60_000);
    JsonObject figures = window.toJson(1_000);
    assertEquals((long) threads * each, figures.getLong("requests"));
    assertEquals(RouteWindow.MAX_MICROS / 1000.0, figures.getDouble("maxMs"), RouteWindow.MAX_MICROS / 1000.0 * 0.01);
  }

  @Test
  @DisplayName("requests older than a minute leave the window; the totals since start stay")
  void windowSlides() {
    RouteWindow window = new RouteWindow("GET", "/x", 0);
    window.record(200, 5 * MS);
    window.rotate(10_000, 10_000, 60_000);
    window.record(200, 7 * MS);
    window.rotate(75_000, 10_000, 60_000);
    JsonObject figures = window.toJson(75_000);
    assertEquals(1, figures.getLong("requests"));
    assertEquals(7.0, figures.getDouble("p99Ms"), 0.1);
    assertEquals(2, figures.getLong("totalRequests"));
  }

  @Test
  @DisplayName("reading often does not grow a route's slices: at most one per 10 s of the window")
  void readsDoNotGrowSlices() {
    RouteWindow window = new RouteWindow("GET", "/x", 0);
    for (long now = 1; now <= 120_000; now += 100) {
      window.record(200, MS);
      window.rotate(now, 10_000, 60_000);
    }
    assertTrue(window.slices() <= 7, "slices: " + window.slices());
    assertEquals(600, window.toJson(120_000).getLong("requests"), 10);
  }

  @Test
  @DisplayName("routes are listed busiest first")
  void busiestFirst() {
    RouteStats stats = new RouteStats();
    stats.record("GET", "/a", 200, MS);
    stats.record("GET", "/b", 200, MS);
    stats.record("GET", "/b", 200, MS);
    JsonArray routes = stats.toJson(System.currentTimeMillis() + 1);
    assertEquals("/b", routes.getJsonObject(0).getString("route"));
    assertEquals(2, routes.size());
  }

  @Test
  @DisplayName("the slowest are kept, slowest first, at most the capacity; two windows later they are gone")
  void slowest() {
    SlowRequests slow = new SlowRequests(0);
    for (int i = 1; i <= 200; i++) {
      if (slow.wouldKeep(i * MS)) {
        slow.offer(new RequestRecord("r" + i, "GET", "/x", 200, null, 0, i * MS, new JsonObject()));
      }
    }
    assertTrue(!slow.wouldKeep(100 * MS), "a fast request is turned away before building its record");
    JsonArray top = slow.slowest(SlowRequests.CAPACITY);
    assertEquals(SlowRequests.CAPACITY, top.size());
    assertEquals("r200", top.getJsonObject(0).getString("requestId"));
    assertEquals("r151", top.getJsonObject(SlowRequests.CAPACITY - 1).getString("requestId"));
    assertEquals(3, slow.slowest(3).size());
    slow.rotate(SlowRequests.WINDOW_MILLIS);
    assertEquals("r200", slow.slowest(1).getJsonObject(0).getString("requestId"), "the previous window still counts");
    slow.rotate(2 * SlowRequests.WINDOW_MILLIS);
    assertEquals(0, slow.slowest(10).size());
  }

  @Test
  @DisplayName("unknown HTTP methods are one label value, and stream addresses fold into their kind")
  void labels() {
    assertEquals("GET", Meters.method("GET"));
    assertEquals("OTHER", Meters.method("A1B2"));
    assertEquals("genesis.gateway.stream.inbox.*",
        Meters.addressKind("genesis.gateway.stream.inbox.01a24cf6-f7f6-7312-a26b-4d288f18cffb"));
    assertEquals("genesis.session.get", Meters.addressKind("genesis.session.get"));
    assertEquals("genesis.agent.stream.control.*",
        Meters.addressKind("genesis.agent.stream.control.01A24CF6-F7F6-7312-A26B-4D288F18CFFB"));
    assertEquals("x.01a24cf6_f7f6-7312-a26b-4d288f18cffb", Meters.addressKind("x.01a24cf6_f7f6-7312-a26b-4d288f18cffb"));
    assertEquals("x01a24cf6-f7f6-7312-a26b-4d288f18cffb", Meters.addressKind("x01a24cf6-f7f6-7312-a26b-4d288f18cffb"));
    assertEquals("__vertx.reply.12", Meters.addressKind("__vertx.reply.12"));
    assertEquals("/api/v1/agents", Meters.lastRoute("/api/v1/>/api/v1/>/api/v1/agents"));
  }

  @Test
  @DisplayName("stages: bus time excludes what the service reported; the model stage runs to the end")
  void stages() {
    RequestTimings timings = new RequestTimings();
    timings.addAuth(MS);
    timings.addBus(10 * MS, 4 * MS);
    timings.addBus(2 * MS, 5 * MS);
    JsonObject json = timings.ended(System.nanoTime()).toJson();
    assertEquals(1.0, json.getDouble("authMs"));
    assertEquals(6.0, json.getDouble("busMs"));
    assertEquals(6.0, json.getDouble("dbMs"));
    assertEquals(0.0, json.getDouble("modelMs"));
  }
}
