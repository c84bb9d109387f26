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
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests built once and sent many times carry the same headers and body each time, take turns on the
 * connections allowed, and are recorded as before.
 */
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
  @DisplayName("a prepared POST sent five times at once over two connections carries its token, its JSON headers and the shared body each time")
  void preparedRequestsRepeat(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(Long.MIN_VALUE);
    Iteration iteration = new Iteration(System.nanoTime(), 0, recorder);
    List<JsonObject> received = new ArrayList<>();
    Set<SocketAddress> clients = new HashSet<>();
    vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      clients.add(request.connection().remoteAddress());
      received.add(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
          .put("authorization", request.getHeader("Authorization")).put("contentType", request.getHeader("Content-Type"))
          .put("accept", request.getHeader("Accept")).put("body", body.toString()));
      request.response().end("{}");
    })).listen(0, "127.0.0.1").compose(server -> {
      HttpTarget http = new HttpTarget(vertx, URI.create("http://127.0.0.1:" + server.actualPort()), 2, Duration.ofSeconds(10));
      RequestOptions prepared = http.prepare(HttpMethod.POST, "/api/v1/sessions/s1/messages", "t0k3n", true);
      List<Future<HttpTarget.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        answers.add(http.send(iteration, "message", System.nanoTime(), prepared, Prompts.bodyOf(1)));
      }
      return Future.all(answers).eventually(http::close);
    }).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      JsonObject expected = new JsonObject().put("method", "POST").put("uri", "/api/v1/sessions/s1/messages")
          .put("authorization", "Bearer t0k3n").put("contentType", "application/json").put("accept", "application/json")
          .put("body", new JsonObject().put("content", Prompts.get(1)).encode());
      assertEquals(List.of(expected, expected, expected, expected, expected), received);
      assertEquals(2, clients.size(), "the five requests took turns on the two connections allowed");
      assertEquals(5, recorder.named("message").count());
      assertEquals(0, recorder.all().errorCount());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a connection the server closes is not reused: the next request opens another")
  void closedConnectionsReplaced(Vertx vertx, VertxTestContext ctx) {
    Recorder recorder = new Recorder(Long.MIN_VALUE);
    Iteration iteration = new Iteration(System.nanoTime(), 0, recorder);
    Set<SocketAddress> clients = new HashSet<>();
    vertx.createHttpServer().requestHandler(request -> {
      clients.add(request.connection().remoteAddress());
      request.response().putHeader("Connection", "close").end("bye");
    }).listen(0, "127.0.0.1").compose(server -> {
      HttpTarget http = new HttpTarget(vertx, URI.create("http://127.0.0.1:" + server.actualPort()), 1, Duration.ofSeconds(10));
      RequestOptions prepared = http.prepare(HttpMethod.GET, "/health/live", null, false);
      return http.send(iteration, "health", System.nanoTime(), prepared, null)
          .compose(first -> http.send(iteration, "health", System.nanoTime(), prepared, null))
          .compose(second -> http.send(iteration, "health", System.nanoTime(), prepared, null))
          .eventually(http::close);
    }).onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
      assertEquals(200, answer.status());
      assertEquals(3, clients.size());
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
          http.prepare(HttpMethod.GET, "/api/v1/agents", "t", false), null);
      Future<HttpTarget.Answer> refused = http.send(iteration, "agents", System.nanoTime(),
          http.prepare(HttpMethod.GET, "/refuse", "t", false), null);
      Future<HttpTarget.Answer> bare = http.send(iteration, "agents", System.nanoTime(),
          http.prepare(HttpMethod.GET, "/refuse?bare", "t", false), null);
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
