package io.genesis.perf;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/** The best this stack does on this machine: a bare Vert.x server with precomputed answers, for ratios. */
public final class CeilingServer extends VerticleBase {
  private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final Buffer PLAIN = Buffer.buffer("Hello, World!");

  @Override
  public Future<?> start() {
    int port = config().getInteger("port", 8081);
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .requestHandler(this::handle)
        .listen();
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/plain" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(PLAIN);
      case "/json" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("message", "Hello, World!").toBuffer());
      default -> request.response().setStatusCode(404).end();
    }
  }
}
