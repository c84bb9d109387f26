package io.genesis.perf;

import io.genesis.common.error.Problem;
import io.genesis.common.id.Ids;
import io.genesis.common.json.Json;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The best this stack does on this machine: a bare Vert.x server, TechEmpower style (precomputed
 * headers and answers, no router), so every benchmark can state GENESIS's figures as a ratio of it:
 * <ul>
 *   <li>{@code GET /plain}, {@code GET /json}: nothing behind them;
 *   <li>{@code POST /sse}: a streamed reply's shape; {@code GET /ws}: the chat socket's (see {@link CeilingSocket});
 *   <li>{@code GET /db}: one PostgreSQL row by a random primary key (1 to 10,000), prepared, as
 *       {@code {"id":..,"randomNumber":..}};
 *   <li>{@code POST /insert}: one INSERT … RETURNING in autocommit with a UUIDv7 key (the request body,
 *       or a fixed text, as content), as GENESIS stores a chat message; 201 {@code {"id":".."}};
 *   <li>{@code GET /redis}: one Redis GET of a key set at start, 200 {@code {"value":".."}}.
 * </ul>
 * A backend not given answers its routes with 503 {@code application/problem+json} saying which option
 * to pass. One instance per core, each with its own pools (sizes in {@link CeilingBackends}); the data is
 * set up once by {@link #start(Vertx, CeilingOptions, int)} before they deploy.
 */
public final class CeilingServer extends VerticleBase {
  private static final CharSequence TEXT = HttpHeaders.createOptimized("text/plain");
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);
  private static final Buffer PLAIN = Buffer.buffer("Hello, World!");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  static final int SSE_TOKENS = 60;
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");
  private static final Buffer DELTA = Buffer.buffer("event: delta\ndata: {\"text\":\"word \"}\n\n");
  private static final Buffer DONE = Buffer.buffer("event: done\ndata: {}\n\n");
  /** {@code POST /insert} with no body stores this. */
  static final String DEFAULT_CONTENT = "Hello, World!";
  /** Longest body {@code POST /insert} stores (GENESIS's own message limit is below this). */
  static final int MAX_CONTENT_BYTES = 16 * 1024;
  private static final Buffer NO_PG = problem(503, "no PostgreSQL attached: start the ceiling with "
      + "--pg-url postgresql://USER@HOST:PORT/DB (or set " + CeilingOptions.PG_ENV + ")");
  private static final Buffer NO_REDIS = problem(503, "no Redis attached: start the ceiling with "
      + "--redis-url redis://HOST:PORT (or set " + CeilingOptions.REDIS_ENV + ")");
  private static final Buffer TOO_LARGE = problem(413, "POST /insert takes at most " + MAX_CONTENT_BYTES + " bytes");
  private static final Buffer POST_ONLY = problem(405, "POST /insert only");

  private HttpServer server;
  private Pool pool;
  private PreparedQuery<RowSet<Row>> selectWorld;
  private PreparedQuery<RowSet<Row>> insert;
  private Redis redis;
  private RedisAPI redisApi;

  /** A started ceiling: its deployment and the port all its instances listen on. */
  public record Started(String deploymentId, int port) {}

  /**
   * Sets up the backends {@code options} names (once, whatever {@code instances}), then deploys
   * {@code instances} servers on one port. Fails, with a one-line message, when a backend given cannot
   * be reached or set up, or the port is taken.
   */
  public static Future<Started> start(Vertx vertx, CeilingOptions options, int instances) {
    List<CeilingServer> servers = new CopyOnWriteArrayList<>();
    return CeilingBackends.prepare(vertx, options)
        .compose(v -> vertx.deployVerticle(() -> {
          CeilingServer server = new CeilingServer();
          servers.add(server);
          return server;
        }, new DeploymentOptions().setInstances(instances).setConfig(options.toConfig())))
        .map(id -> new Started(id, servers.get(0).server.actualPort()));
  }

  @Override
  public Future<?> start() {
    int port = config().getInteger("port", CeilingOptions.DEFAULT_PORT);
    String pgUrl = config().getString("pgUrl");
    String redisUrl = config().getString("redisUrl");
    if (pgUrl != null) {
      pool = CeilingBackends.pgPool(vertx, pgUrl, CeilingBackends.PG_POOL_SIZE);
      selectWorld = pool.preparedQuery(CeilingBackends.SELECT_WORLD);
      insert = pool.preparedQuery(CeilingBackends.INSERT);
    }
    Future<?> redisReady = redisUrl == null ? Future.succeededFuture() : CeilingBackends.redis(vertx, redisUrl)
        .onSuccess(client -> {
          redis = client;
          redisApi = RedisAPI.api(client);
        });
    // Port 0: every instance listens on the same negative port, which Vert.x turns into one shared free port.
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port == 0 ? -1 : port).setTcpNoDelay(true);
    return redisReady.compose(v -> {
      server = vertx.createHttpServer(options).requestHandler(this::handle);
      return server.listen();
    });
  }

  @Override
  public Future<?> stop() {
    return Future.join(pool == null ? Future.succeededFuture() : pool.close(),
        redis == null ? Future.succeededFuture() : redis.close());
  }

  private void handle(HttpServerRequest request) {
    switch (request.path()) {
      case "/plain" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(PLAIN);
      case "/json" -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("message", "Hello, World!").toBuffer());
      case "/db" -> db(request);
      case "/insert" -> insert(request);
      case "/redis" -> redisGet(request);
      case "/sse" -> stream(request);
      case "/ws", "/api/v1/ws" -> CeilingSocket.accept(request);
      default -> request.response().setStatusCode(404).end();
    }
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

  private void db(HttpServerRequest request) {
    if (selectWorld == null) {
      refuse(request, 503, NO_PG);
      return;
    }
    int id = 1 + ThreadLocalRandom.current().nextInt(CeilingBackends.WORLD_ROWS);
    selectWorld.execute(Tuple.of(id)).onComplete(result -> {
      if (result.failed()) {
        failed(request, "PostgreSQL", result.cause());
        return;
      }
      RowIterator<Row> rows = result.result().iterator();
      if (!rows.hasNext()) {
        refuse(request, 500, problem(500, "perf_ceiling.world has no row " + id + ": was it emptied after start?"));
        return;
      }
      Row row = rows.next();
      request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("id", row.getInteger(0)).put("randomNumber", row.getInteger(1)).toBuffer());
    });
  }

  private void insert(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      request.response().putHeader(HttpHeaders.ALLOW, "POST");
      refuse(request, 405, POST_ONLY);
      return;
    }
    if (insert == null) {
      refuse(request, 503, NO_PG);
      return;
    }
    request.body().onComplete(body -> {
      if (body.failed()) {
        return; // the connection went away
      }
      Buffer content = body.result();
      if (content.length() > MAX_CONTENT_BYTES) {
        refuse(request, 413, TOO_LARGE);
        return;
      }
      UUID id = Ids.newId();
      insert.execute(Tuple.of(id, content.length() == 0 ? DEFAULT_CONTENT : content.toString())).onComplete(result -> {
        if (result.failed()) {
          failed(request, "PostgreSQL", result.cause());
          return;
        }
        request.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
            .end(new JsonObject().put("id", result.result().iterator().next().getUUID(0).toString()).toBuffer());
      });
    });
  }

  private void redisGet(HttpServerRequest request) {
    if (redisApi == null) {
      refuse(request, 503, NO_REDIS);
      return;
    }
    redisApi.get(CeilingBackends.REDIS_KEY).onComplete(result -> {
      if (result.failed()) {
        failed(request, "Redis", result.cause());
        return;
      }
      request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end(new JsonObject().put("value", result.result() == null ? null : result.result().toString()).toBuffer());
    });
  }

  /** A backend call failed (down, pool wait queue full, timeout): 503 naming the backend and the cause. */
  private static void failed(HttpServerRequest request, String backend, Throwable cause) {
    refuse(request, 503, problem(503, backend + ": " + CeilingBackends.oneLine(cause)));
  }

  private static void refuse(HttpServerRequest request, int status, Buffer problem) {
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON).end(problem);
  }

  private static Buffer problem(int status, String detail) {
    return Json.toBuffer(Problem.of(status, detail));
  }
}
