package io.genesis.perf.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.genesis.perf.load.Recorder;
import io.genesis.perf.load.Workload.Iteration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
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

/** Requests built once and sent many times carry the same headers and body each time, and are recorded as before. */
@ExtendWith(VertxExtension.class)
class HttpTargetTest {
  /** Echoes what it received as JSON; {@code /refuse} answers 503, with {@code Retry-After} unless {@code ?bare}. */
  private static Future<HttpServer> echo(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (request.path().equals("/refuse")) {
        if (!"bare".equals(request.query())) {
          request.response().putHeader("Retry-After", "1");
        }
        request.response().setStatusCode(503).end();
        return;
      }
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("method", request.method().name()).put("uri", request.uri())
          .put("authorization", request.getHeader("Authorization"))
          .put("contentType", request.getHeader("Content-Type")).put("accept", request.getHeader("Accept"))
          .put("body", body.toString()).encode());
    })).listen(0, "127.0.0.1");
  }

  private static HttpTarget target(Vertx vertx, HttpServer server) {
    return new HttpTarget(vertx, URI.create("http://127.0.0.1:" + server.actualPort()), 8, Duration.ofSeconds(10));
  }

  @Test
  @DisplayName("a prepared POST sent three times at once carries its token, its JSON headers and the shared body each time")
  void preparedRequestsRepeat(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(Long.MIN_VALUE);
    Iteration iteration = new Iteration(System.nanoTime(), 0, recorder);
    echo(vertx).compose(server -> {
      HttpTarget http = target(vertx, server);
      RequestOptions prepared = http.prepare(HttpMethod.POST, "/api/v1/sessions/s1/messages", "t0k3n", true);
      List<Future<HttpTarget.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        answers.add(http.send(iteration, "message", System.nanoTime(), prepared, Prompts.bodyOf(1), true));
      }
      return Future.all(answers).map(all -> answers.stream().map(answer -> answer.result().json()).toList())
          .eventually(http::close);
    }).onComplete(ctx.succeeding(echoes -> ctx.verify(() -> {
      JsonObject expected = new JsonObject().put("method", "POST").put("uri", "/api/v1/sessions/s1/messages")
          .put("authorization", "Bearer t0k3n").put("contentType", "application/json").put("accept", "application/json")
          .put("body", new JsonObject().put("content", Prompts.get(1)).encode());
      assertEquals(List.of(expected, expected, expected), echoes);
      assertEquals(3, recorder.named("message").count());
      assertEquals(0, recorder.all().errorCount());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("without keeping the body the answer has none; refusals are still counted with and without Retry-After")
  void bodiesDroppedRefusalsCounted(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(Long.MIN_VALUE);
    Iteration iteration = new Iteration(System.nanoTime(), 0, recorder);
    echo(vertx).compose(server -> {
      HttpTarget http = target(vertx, server);
      Future<HttpTarget.Answer> ok = http.send(iteration, "agents", System.nanoTime(),
          http.prepare(HttpMethod.GET, "/api/v1/agents", "t", false), null, false);
      Future<HttpTarget.Answer> refused = http.send(iteration, "agents", System.nanoTime(),
          http.prepare(HttpMethod.GET, "/refuse", "t", false), null, false);
      Future<HttpTarget.Answer> bare = http.send(iteration, "agents", System.nanoTime(),
          http.prepare(HttpMethod.GET, "/refuse?bare", "t", false), null, false);
      return Future.join(ok, refused, bare).transform(done -> ok).eventually(http::close);
    }).onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
      assertEquals(200, answer.status());
      assertNull(answer.body());
      JsonObject agents = recorder.named("agents").toJson(1);
      assertEquals(3, agents.getLong("count"));
      assertEquals(new JsonObject().put("503", 2L), agents.getJsonObject("errorsByOutcome"));
      assertEquals(1, agents.getLong("withoutRetryAfter"));
      ctx.completeNow();
    })));
  }
}
