package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a spike's verdict needs from a summary: the latency of the admitted requests apart from the
 * refused ones (a flood of fast refusals must not hide slow successes, nor the other way round), and
 * how many refusals came without {@code Retry-After}.
 */
@ExtendWith(VertxExtension.class)
class RefusalFiguresTest {
  private static final long SLOW_MILLIS = 2000;

  /** Stands in for the ceiling: {@code /plain} answers 200 slowly, {@code /json} 503 bare, {@code /redis} 503 with Retry-After. */
  private static io.vertx.core.Future<HttpServer> server(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/plain" -> vertx.setTimer(SLOW_MILLIS, id -> request.response().end("ok"));
        case "/json" -> request.response().setStatusCode(503).end();
        default -> request.response().setStatusCode(503).putHeader("Retry-After", "1").end();
      }
    }).listen(0, "127.0.0.1");
  }

  @Test
  @DisplayName("succeeded and failed requests get their own percentiles, and refusals without Retry-After are counted")
  void apart(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("run.json");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    server(vertx).compose(server -> PerfMain.runScenario(vertx, "baseline", List.of("--target",
            "http://127.0.0.1:" + server.actualPort(), "--against", "ceiling", "--warmup", "0s",
            "--mix", "health:1,agents:1,session:1", "--rate", "60", "--duration", "1s", "--quiet",
            "--json", json.toString()), quiet, quiet))
        .compose(code -> vertx.fileSystem().readFile(json.toString()))
        .onComplete(ctx.succeeding(file -> ctx.verify(() -> {
          JsonObject latency = new JsonObject(file).getJsonObject("latency");
          JsonObject all = latency.getJsonObject("all");
          long health = latency.getJsonObject("health").getLong("count");
          long bare = latency.getJsonObject("agents").getLong("count");
          assertTrue(health > 0 && bare > 0, all.encode());
          JsonObject succeeded = all.getJsonObject("succeeded");
          JsonObject failed = all.getJsonObject("failed");
          assertEquals(health, succeeded.getLong("count"));
          assertEquals(all.getLong("count") - health, failed.getLong("count"));
          assertTrue(succeeded.getDouble("p50") >= SLOW_MILLIS, succeeded.encode());
          assertTrue(failed.getDouble("p50") < succeeded.getDouble("p50"), all.encodePrettily());
          assertEquals(bare, all.getLong("withoutRetryAfter"));
          assertEquals(bare, latency.getJsonObject("agents").getLong("withoutRetryAfter"));
          assertEquals(0, latency.getJsonObject("session").getLong("withoutRetryAfter"));
          assertEquals(null, latency.getJsonObject("health").getValue("withoutRetryAfter"), "no refusal, no count");
          ctx.completeNow();
        })));
  }
}
