package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.scenario.RequestKind;
import io.genesis.perf.scenario.RunOptions.Against;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code --mix history-old}: an older page of each user's history, before the reply seeded at set-up; {@code /db} on the ceiling. */
@ExtendWith(VertxExtension.class)
class HistoryOldTest {
  private final List<String> reads = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessions = new AtomicInteger();

  /** Stands in for GENESIS's API: dev tokens, sessions "s-N", a seeded exchange whose reply is "r-s-N", history reads. */
  private Future<HttpServer> genesis(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      if (request.method() == HttpMethod.POST && path.equals("/api/v1/auth/dev-token")) {
        request.response().end(new JsonObject().put("token", "t").encode());
      } else if (request.method() == HttpMethod.POST && path.equals("/api/v1/sessions")) {
        request.response().setStatusCode(201).end(new JsonObject().put("id", "s-" + sessions.incrementAndGet()).encode());
      } else if (request.method() == HttpMethod.POST && path.endsWith("/messages")) {
        String session = path.split("/")[4];
        request.response().setStatusCode(201).end(new JsonObject().put("message", new JsonObject().put("id", "m-" + session))
            .put("reply", new JsonObject().put("id", "r-" + session)).encode());
      } else {
        reads.add(request.uri());
        request.response().end(new JsonObject().put("items", List.of()).encode());
      }
    }).listen(0, "127.0.0.1");
  }

  @Test
  @DisplayName("history-old reads each user's history before their seeded reply, never the first page")
  void olderPage(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    Path json = dir.resolve("run.json");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    genesis(vertx).compose(server -> PerfMain.runScenario(vertx, "baseline", List.of("--target",
            "http://127.0.0.1:" + server.actualPort(), "--warmup", "0s", "--mix", "history-old", "--users", "2",
            "--rate", "20", "--duration", "1s", "--quiet", "--json", json.toString()), quiet, quiet))
        .compose(code -> {
          assertEquals(PerfMain.PASSED, code);
          return vertx.fileSystem().readFile(json.toString());
        })
        .onComplete(ctx.succeeding(file -> ctx.verify(() -> {
          JsonObject history = new JsonObject(file).getJsonObject("latency").getJsonObject("history-old");
          assertEquals(20, history.getLong("count"));
          assertEquals(20, reads.size());
          assertTrue(reads.contains("/api/v1/sessions/s-1/messages?limit=20&before=r-s-1"), reads.toString());
          assertTrue(reads.contains("/api/v1/sessions/s-2/messages?limit=20&before=r-s-2"), reads.toString());
          assertEquals(RequestKind.HISTORY_OLD,
              RequestKind.of("history-old"));
          assertEquals("/db", RequestKind.HISTORY_OLD.path(
              Against.CEILING, null));
          ctx.completeNow();
        })));
  }
}
