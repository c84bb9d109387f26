package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: options in, exit code, console summary and report files out. */
@ExtendWith(VertxExtension.class)
class PerfMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicInteger received = new AtomicInteger();

  /** Stands in for the ceiling: {@code /plain} answers 200, {@code /json} 503. */
  private Future<HttpServer> server(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(request -> {
      received.incrementAndGet();
      request.response().setStatusCode(request.path().equals("/plain") ? 200 : 503).end("x");
    }).listen(0, "127.0.0.1");
  }

  private Future<Integer> run(Vertx vertx, HttpServer server, String... options) {
    List<String> args = new ArrayList<>(List.of("--target", "http://127.0.0.1:" + server.actualPort(),
        "--against", "ceiling", "--warmup", "0s"));
    args.addAll(List.of(options));
    return PerfMain.runScenario(vertx, "baseline", args, new PrintStream(out, true), new PrintStream(err, true));
  }

  @Test
  @DisplayName("a run within its thresholds exits 0 and writes a JSON report with the summary's fields")
  void passing(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("run.json");
    Path html = dir.resolve("run.html");
    server(vertx).compose(server -> run(vertx, server, "--mix", "health", "--rate", "100", "--duration", "2s",
            "--threshold", "p99<10s", "--threshold", "errors<1%", "--json", json.toString(), "--html", html.toString()))
        .compose(code -> {
          assertEquals(PerfMain.PASSED, code, err.toString(StandardCharsets.UTF_8));
          return Future.all(vertx.fileSystem().readFile(json.toString()), vertx.fileSystem().readFile(html.toString()));
        })
        .onComplete(ctx.succeeding(files -> ctx.verify(() -> {
          JsonObject summary = new JsonObject(files.<Buffer>resultAt(0));
          assertEquals("baseline", summary.getString("scenario"));
          assertEquals("open", summary.getJsonObject("model").getString("type"));
          assertEquals(200, summary.getLong("scheduled"));
          JsonObject all = summary.getJsonObject("latency").getJsonObject("all");
          assertEquals(200, all.getLong("count"));
          for (String field : List.of("rate", "mean", "p50", "p90", "p95", "p99", "p99.9", "max", "errors", "errorRate")) {
            assertTrue(all.containsKey(field), "latency.all." + field);
          }
          assertTrue(summary.getJsonArray("timeline").size() >= 2, "one point a second");
          assertEquals(2, summary.getJsonArray("thresholds").size());
          assertTrue(summary.getBoolean("passed"));
          String page = files.<Buffer>resultAt(1).toString();
          assertTrue(page.contains("<svg") && page.contains("baseline"), "HTML report with charts");
          assertTrue(out.toString(StandardCharsets.UTF_8).contains("p99.9"), "console summary printed");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a broken threshold exits 99, and errors are counted by status")
  void broken(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("run.json");
    server(vertx).compose(server -> run(vertx, server, "--mix", "health:1,agents:1", "--rate", "100", "--duration", "1s",
            "--threshold", "errors<0.1%", "--json", json.toString(), "--quiet"))
        .compose(code -> {
          assertEquals(PerfMain.THRESHOLD_BROKEN, code);
          return vertx.fileSystem().readFile(json.toString());
        })
        .onComplete(ctx.succeeding(file -> ctx.verify(() -> {
          JsonObject summary = new JsonObject(file);
          JsonObject agents = summary.getJsonObject("latency").getJsonObject("agents");
          assertEquals(agents.getLong("count"), agents.getJsonObject("errorsByOutcome").getLong("503"));
          assertTrue(agents.getLong("count") > 0);
          assertTrue(!summary.getBoolean("passed"));
          assertTrue(out.toString(StandardCharsets.UTF_8).contains("FAILED"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("stress at low rates with no error allowed holds every step: each step is judged on exactly its own requests")
  void stressSteps(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("stress.json");
    server(vertx).compose(server -> PerfMain.runScenario(vertx, "stress", List.of("--target",
                "http://127.0.0.1:" + server.actualPort(), "--against", "ceiling", "--warmup", "0s", "--mix", "health",
                "--start-rate", "5", "--step", "5", "--step-duration", "2s", "--max-rate", "10", "--error-limit", "0",
                "--p99-limit", "5s", "--quiet", "--json", json.toString()),
            new PrintStream(out, true), new PrintStream(err, true)))
        .compose(code -> {
          assertEquals(PerfMain.PASSED, code, err.toString(StandardCharsets.UTF_8));
          return vertx.fileSystem().readFile(json.toString());
        })
        .onComplete(ctx.succeeding(file -> ctx.verify(() -> {
          JsonObject result = new JsonObject(file).getJsonObject("result");
          assertEquals(10.0, result.getDouble("highestRateHeld"), result.encodePrettily());
          assertEquals(10, result.getJsonArray("steps").getJsonObject(0).getLong("answered"));
          assertEquals(20, result.getJsonArray("steps").getJsonObject(1).getLong("answered"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("against a server that is down, every request is an error and the achieved rate is 0, not the attempts")
  void targetDown(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("down.json");
    server(vertx).compose(server -> server.close().map(server.actualPort()))
        .compose(port -> PerfMain.runScenario(vertx, "baseline", List.of("--target", "http://127.0.0.1:" + port,
                "--against", "ceiling", "--warmup", "0s", "--mix", "health", "--rate", "50", "--duration", "1s",
                "--threshold", "rate>=95%", "--quiet", "--json", json.toString()),
            new PrintStream(out, true), new PrintStream(err, true)))
        .compose(code -> {
          assertEquals(PerfMain.THRESHOLD_BROKEN, code);
          return vertx.fileSystem().readFile(json.toString());
        })
        .onComplete(ctx.succeeding(file -> ctx.verify(() -> {
          JsonObject summary = new JsonObject(file);
          assertEquals(0.0, summary.getJsonObject("rate").getDouble("achieved"));
          JsonObject all = summary.getJsonObject("latency").getJsonObject("all");
          assertEquals(all.getLong("count"), all.getJsonObject("errorsByOutcome").getLong("connection"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bad options exit 2 naming the problem, before any request is sent")
  void badOptions(Vertx vertx, VertxTestContext ctx) {
    server(vertx).compose(server -> run(vertx, server, "--threshold", "p99<<5")
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return run(vertx, server, "--rat", "100");
            })
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return run(vertx, server, "--rate", "Infinity");
            })
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return run(vertx, server, "--vus", "5", "--rate", "10");
            })
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return run(vertx, server, "--timeout", "0s");
            })
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return PerfMain.runScenario(vertx, "stress", List.of("--target", "http://127.0.0.1:1", "--error-limit", "150%"),
                  new PrintStream(out, true), new PrintStream(err, true));
            })
            .compose(code -> {
              assertEquals(PerfMain.USAGE_ERROR, code);
              return PerfMain.runScenario(vertx, "baseline", List.of("--target", "ftp://127.0.0.1:1"),
                  new PrintStream(out, true), new PrintStream(err, true));
            }))
        .onComplete(ctx.succeeding(code -> ctx.verify(() -> {
          assertEquals(PerfMain.USAGE_ERROR, code);
          String errors = err.toString(StandardCharsets.UTF_8);
          assertTrue(errors.contains("p99<<5"), errors);
          assertTrue(errors.contains("--rat"), errors);
          assertTrue(errors.contains("must be an http:// or https:// URL"), errors);
          assertEquals(0, received.get(), "nothing was sent");
          ctx.completeNow();
        })));
  }
}
