package io.genesis.perf.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.scenario.HttpTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The load tester's reason to exist: a server that answers at once except for one stall of
 * {@value #STALL_MILLIS} ms. Timed from when each request was due (open model), every request due
 * during the stall shows it; a closed model sends nothing while it waits, so only one request per
 * virtual user sees the stall and the percentiles hide it.
 */
@ExtendWith(VertxExtension.class)
class CoordinatedOmissionTest {
  private static final long STALL_MILLIS = 1000;
  private static final int STALL_AT_REQUEST = 100;

  /** Answers at once, except that request {@value #STALL_AT_REQUEST} starts a stall: nothing is answered until it ends. */
  private static Future<HttpServer> stallingServer(Vertx vertx) {
    int[] received = {0};
    List<HttpServerResponse> held = new ArrayList<>();
    boolean[] stalled = {false};
    return vertx.createHttpServer().requestHandler(request -> {
      if (++received[0] == STALL_AT_REQUEST) {
        stalled[0] = true;
        vertx.setTimer(STALL_MILLIS, id -> {
          stalled[0] = false;
          held.forEach(response -> response.end("ok"));
          held.clear();
        });
      }
      if (stalled[0]) {
        held.add(request.response());
      } else {
        request.response().end("ok");
      }
    }).listen(0, "127.0.0.1");
  }

  private static Future<JsonObject> run(Vertx vertx, HttpServer server, LoadModel model, LoadRunner[] runner) {
    return run(vertx, server, model, runner, 512);
  }

  private static Future<JsonObject> run(Vertx vertx, HttpServer server, LoadModel model, LoadRunner[] runner,
                                        int connections) {
    HttpTarget http = new HttpTarget(vertx, URI.create("http://127.0.0.1:" + server.actualPort()), connections,
        Duration.ofSeconds(10));
    Workload workload = iteration -> http.send(iteration, "get", iteration.intendedNanos(), HttpMethod.GET, "/", null, null)
        .mapEmpty();
    runner[0] = new LoadRunner(vertx, workload, model, Duration.ofMillis(10).toNanos(), 5, null);
    return runner[0].run().eventually(http::close);
  }

  @Test
  @DisplayName("open model: the requests due during a 1 s stall are timed from when they were due, so p99 shows the stall")
  void openModelShowsTheStall(Vertx vertx, VertxTestContext ctx) {
    LoadRunner[] runner = new LoadRunner[1];
    stallingServer(vertx)
        .compose(server -> run(vertx, server, LoadModel.open(Schedule.constant(200, 3), 0, 10_000), runner))
        .onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
          Stats all = runner[0].recorder().all();
          assertEquals(600, all.count(), "every scheduled request was sent and answered");
          assertEquals(0, all.errorCount());
          // Requests due in the first 400 ms of the stall waited at least 600 ms: 80 of them at 200/s.
          assertTrue(all.countAtOrAbove(500) >= 80, "requests over 500 ms: " + all.countAtOrAbove(500));
          assertTrue(all.at(99) >= 500, "p99 " + all.at(99) + " ms shows the stall");
          assertTrue(all.at(90) >= 500, "p90 " + all.at(90) + " ms shows the stall too");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("open model over one connection: requests queued behind the stall are still timed from when they were due")
  void openModelOverOneConnection(Vertx vertx, VertxTestContext ctx) {
    LoadRunner[] runner = new LoadRunner[1];
    stallingServer(vertx)
        .compose(server -> run(vertx, server, LoadModel.open(Schedule.constant(200, 3), 0, 10_000), runner, 1))
        .onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
          Stats all = runner[0].recorder().all();
          assertEquals(600, all.count());
          // Sent as soon as the one connection was free, they would look fast; timed from their due time they are not.
          assertTrue(all.countAtOrAbove(500) >= 80, "requests over 500 ms: " + all.countAtOrAbove(500));
          assertTrue(all.at(99) >= 500, "p99 " + all.at(99) + " ms shows the stall");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("closed model: the same stall delays one request per virtual user, and p99 hides it")
  void closedModelHidesTheStall(Vertx vertx, VertxTestContext ctx) {
    LoadRunner[] runner = new LoadRunner[1];
    stallingServer(vertx)
        .compose(server -> run(vertx, server, LoadModel.closed(2, 3, Long.MAX_VALUE, 0), runner))
        .onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
          Stats all = runner[0].recorder().all();
          assertTrue(all.count() >= 300, "a fast server answers hundreds of requests in 2 s: " + all.count());
          assertTrue(all.countAtOrAbove(500) <= 2, "only the request each user had in flight waited");
          assertTrue(all.at(99) < 500, "p99 " + all.at(99) + " ms hides the stall");
          assertTrue(all.at(100) >= 900, "the stall is only in the max: " + all.at(100) + " ms");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a request due while the maximum is already in flight is counted as dropped, not sent late")
  void dropped(Vertx vertx, VertxTestContext ctx) {
    LoadRunner[] runner = new LoadRunner[1];
    stallingServer(vertx)
        .compose(server -> run(vertx, server, LoadModel.open(Schedule.constant(200, 2), 0, 20), runner))
        .onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
          assertTrue(summary.getLong("dropped") >= 150, "the stall filled the 20 slots: " + summary.encode());
          assertEquals(400, summary.getLong("dropped") + summary.getLong("started"), "each due request is started or dropped");
          assertEquals(20, summary.getInteger("maxInFlight"));
          ctx.completeNow();
        })));
  }
}
