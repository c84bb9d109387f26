package io.genesis.perf.fake;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Random;

/**
 * A fake OpenAI-compatible model server: {@code POST /v1/chat/completions} (streamed or not) and
 * {@code GET /v1/models}, with a configurable time to first token, token rate and faults
 * ({@link FakeUpstreamOptions}). It counts what happens, for tests: {@link #requests()} received,
 * {@link #completed()} answers, {@link #cancelled()} answers whose client closed the connection
 * before the end, and keeps the {@link #lastRequest()} body. It asks for tools when a request offers them
 * and its user message says so ({@link ToolScript}: {@code [[call NAME ARGS]]}).
 */
public final class FakeUpstream extends VerticleBase {
  public static final String MODEL = "fake-model";

  private final FakeUpstreamOptions options;
  private final Random random;
  private final Counter requests = new Counter();
  private final Counter completed = new Counter();
  private final Counter cancelled = new Counter();
  private volatile JsonObject lastRequest;
  private volatile String lastAuthorization;
  private HttpServer server;

  public FakeUpstream(FakeUpstreamOptions options) {
    this.options = options;
    this.random = new Random(options.seed());
  }

  /** Deploys a fake upstream; the future completes once it listens. */
  public static Future<FakeUpstream> start(Vertx vertx, FakeUpstreamOptions options) {
    FakeUpstream fake = new FakeUpstream(options);
    return vertx.deployVerticle(fake).map(id -> fake);
  }

  /** Undeploys it: the server closes, and with it any connection still open. */
  public Future<Void> close() {
    return vertx.undeploy(context.deploymentID());
  }

  @Override
  public Future<?> start() {
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host()).setPort(options.port()).setTcpNoDelay(true);
    return vertx.createHttpServer(serverOptions)
        .requestHandler(this::handle)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  public int port() {
    return server.actualPort();
  }

  /** The base URL as OpenAI SDKs take it: {@code http://host:port/v1}. */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port() + "/v1";
  }

  public FakeUpstreamOptions options() {
    return options;
  }

  public Counter requests() {
    return requests;
  }

  public Counter completed() {
    return completed;
  }

  public Counter cancelled() {
    return cancelled;
  }

  /** The body of the last chat-completions request, or null. */
  public JsonObject lastRequest() {
    return lastRequest;
  }

  /** The {@code Authorization} header of the last chat-completions request, or null. */
  public String lastAuthorization() {
    return lastAuthorization;
  }

  /** Token {@code index} of every answer. */
  public static String token(int index) {
    return Completions.token(index);
  }

  /** The text of an answer of {@code tokens} tokens (what a client that reads it all gets). */
  public static String text(int tokens) {
    return Completions.text(tokens);
  }

  private void handle(HttpServerRequest request) {
    String route = request.method().name() + " " + request.path();
    switch (route) {
      case "GET /v1/models" -> json(request.response(), 200, Completions.models());
      case "POST /v1/chat/completions" -> request.body().onSuccess(body -> complete(request, body));
      default -> json(request.response(), 404, Completions.error("no route " + route, "invalid_request_error"));
    }
  }

  private void complete(HttpServerRequest request, Buffer body) {
    int number = requests.increment();
    HttpServerResponse response = request.response();
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json(response, 400, Completions.error("the body is not a JSON object", "invalid_request_error"));
      return;
    }
    lastRequest = json;
    lastAuthorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    // Both draws happen for every request, so that the sequence of outcomes depends on the seed alone.
    boolean fail = random.nextDouble() < options.failRate() || number <= options.failFirst();
    boolean hang = random.nextDouble() < options.hangRate();
    if (fail) {
      json(response, 500, Completions.error("fake upstream failure", "server_error"));
      return;
    }
    Completions shapes = new Completions(number, json.getString("model", MODEL));
    ToolScript script = ToolScript.of(json);
    if (script != null) {
      completed.increment();
      script.answer(response, shapes, json, number);
      return;
    }
    Reply reply = new Reply(vertx, response, options, shapes, json, completed::increment);
    response.closeHandler(closed -> {
      reply.stop();
      if (!response.ended()) {
        cancelled.increment();
      }
    });
    if (!hang) {
      reply.start();
    }
  }

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }
}
