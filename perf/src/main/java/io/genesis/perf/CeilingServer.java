package io.genesis.perf;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The best this stack does on this machine: a bare Vert.x server with precomputed answers, for ratios
 * ({@code /plain}, {@code /json}, and {@code /sse}: a streamed reply's shape).
 */
public final class CeilingServer extends VerticleBase {
  private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final Buffer PLAIN = Buffer.buffer("Hello, World!");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  static final int SSE_TOKENS = 60;
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");
  private static final Buffer DELTA = Buffer.buffer("event: delta\ndata: {\"text\":\"word \"}\n\n");
  private static final Buffer DONE = Buffer.buffer("event: done\ndata: {}\n\n");

  @Override
  public Future<?> start() {
    int port = config().getInteger("port", 8081);
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen();
  }

  /**
   * The shape of a streamed reply with nothing behind it: a keep-alive comment, {@value #SSE_TOKENS}
   * {@code delta} events written one by one, then {@code done}. The floor for GENESIS's SSE replies.
   */
  private void stream(HttpServerRequest request) {
    HttpServerResponse response = request.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM);
    request.body().onSuccess(ignored -> {
      response.write(KEEP_ALIVE);
      for (int i = 0; i < SSE_TOKENS; i++) {
        response.write(DELTA);
      }
      response.end(DONE);
    });
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/plain" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(PLAIN);
      case "/json" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("message", "Hello, World!").toBuffer());
      case "/sse" -> stream(request);
      default -> request.response().setStatusCode(404).end();
    }
  }
}
