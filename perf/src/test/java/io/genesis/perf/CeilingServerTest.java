package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ceiling over HTTP, against a real (embedded, or GENESIS_PG_URL / GENESIS_REDIS_URL) PostgreSQL and Redis. */
@ExtendWith(VertxExtension.class)
class CeilingServerTest {
  private static TestServices.Urls services;

  private WebClient client;

  /** Blocking (starts the embedded servers once per JVM): on the test thread. */
  @BeforeAll
  static void services() {
    services = TestServices.get();
  }

  /** On the test thread: WebClientOptions' static initialiser reads a jar, which would block an event loop. */
  @BeforeEach
  void client(Vertx vertx) {
    client = WebClient.create(vertx);
  }

  private static Future<CeilingServer.Started> start(Vertx vertx, String pgUrl, String redisUrl) {
    return CeilingServer.start(vertx, new CeilingOptions(0, pgUrl, redisUrl), 2);
  }

  @Test
  @DisplayName("GET /db answers one world row by a random id in 1..10000, as TechEmpower's {id, randomNumber}")
  void db(Vertx vertx, VertxTestContext ctx) {
    start(vertx, services.pgUrl(), null)
        .compose(started -> Future.all(IntStream.range(0, 50).mapToObj(i -> get(started, "/db")).toList()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<Integer> ids = new ArrayList<>();
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(200, response.statusCode(), response.bodyAsString());
            assertEquals("application/json", response.getHeader("Content-Type"));
            JsonObject row = response.bodyAsJsonObject();
            assertEquals(2, row.size(), row.encode());
            int id = row.getInteger("id");
            assertTrue(id >= 1 && id <= CeilingBackends.WORLD_ROWS, row.encode());
            int randomNumber = row.getInteger("randomNumber");
            assertTrue(randomNumber >= 1 && randomNumber <= CeilingBackends.WORLD_ROWS, row.encode());
            ids.add(id);
          }
          assertTrue(ids.stream().distinct().count() > 1, "the ids are drawn at random: " + ids);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("POST /insert answers 201 with the new id, and each insert is one more row holding the body")
  void insert(Vertx vertx, VertxTestContext ctx) {
    Pool pool = adminPool(vertx);
    List<String> ids = new ArrayList<>();
    start(vertx, services.pgUrl(), null).compose(started -> count(pool).compose(before -> post(started, "/insert", "first")
            .compose(first -> post(started, "/insert", "second").map(second -> List.of(first, second)))
            .compose(both -> post(started, "/insert", "").map(third -> {
              List<HttpResponse<Buffer>> all = new ArrayList<>(both);
              all.add(third);
              for (HttpResponse<Buffer> response : all) {
                assertEquals(201, response.statusCode(), response.bodyAsString());
                assertEquals("application/json", response.getHeader("Content-Type"));
                ids.add(response.bodyAsJsonObject().getString("id"));
              }
              return before;
            }))))
        .compose(before -> count(pool).map(after -> {
          assertEquals(before + 3, after);
          return null;
        }))
        .compose(v -> pool.query("SELECT id, content FROM " + CeilingBackends.SCHEMA + ".inserts").execute())
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          Map<String, String> stored = new HashMap<>();
          for (Row row : rows) {
            stored.put(row.getUUID("id").toString(), row.getString("content"));
          }
          assertEquals(3, ids.stream().distinct().count(), ids.toString());
          ids.forEach(id -> assertEquals(7, UUID.fromString(id).version(), "a UUIDv7, as GENESIS's message ids: " + id));
          assertEquals("first", stored.get(ids.get(0)));
          assertEquals("second", stored.get(ids.get(1)));
          assertEquals(CeilingServer.DEFAULT_CONTENT, stored.get(ids.get(2)));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /redis answers the value set at start")
  void redis(Vertx vertx, VertxTestContext ctx) {
    start(vertx, null, services.redisUrl())
        .compose(started -> get(started, "/redis"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertEquals("application/json", response.getHeader("Content-Type"));
          assertEquals(new JsonObject().put("value", CeilingBackends.REDIS_VALUE), response.bodyAsJsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with both backends every route answers, on one shared port")
  void all(Vertx vertx, VertxTestContext ctx) {
    start(vertx, services.pgUrl(), services.redisUrl())
        .compose(started -> Future.all(get(started, "/plain"), get(started, "/json"), get(started, "/db"),
            post(started, "/insert", "x"), get(started, "/redis"), post(started, "/sse", "")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          int[] expected = {200, 200, 200, 201, 200, 200};
          for (int i = 0; i < expected.length; i++) {
            HttpResponse<Buffer> response = all.resultAt(i);
            assertEquals(expected[i], response.statusCode(), i + ": " + response.bodyAsString());
          }
          assertEquals("Hello, World!", all.<HttpResponse<Buffer>>resultAt(0).bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /ws answers each message frame with meta, 60 deltas and done carrying its requestId")
  void webSocket(Vertx vertx, VertxTestContext ctx) {
    java.util.List<JsonObject> frames = new java.util.ArrayList<>();
    start(vertx, null, null)
        .compose(started -> vertx.createWebSocketClient().connect(started.port(), "127.0.0.1", "/ws"))
        .compose(socket -> {
          io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
          socket.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            frames.add(frame);
            if ("done".equals(frame.getString("type"))) {
              done.tryComplete();
            }
          });
          socket.writeTextMessage("not json");
          socket.writeTextMessage(new JsonObject().put("type", "message").put("requestId", "r\"1").put("content", "hi").encode());
          return done.future();
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2 + CeilingServer.SSE_TOKENS, frames.size());
          assertEquals("meta", frames.get(0).getString("type"));
          assertEquals("delta", frames.get(1).getString("type"));
          assertTrue(frames.stream().allMatch(frame -> "r\"1".equals(frame.getString("requestId"))));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("without URLs the server starts; /db, /insert and /redis answer 503 problem+json naming the option")
  void noBackends(Vertx vertx, VertxTestContext ctx) {
    start(vertx, null, null)
        .compose(started -> Future.all(get(started, "/db"), post(started, "/insert", "x"), get(started, "/redis"),
            get(started, "/plain"), get(started, "/insert")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertProblem(all.resultAt(0), 503, "--pg-url");
          assertProblem(all.resultAt(1), 503, "--pg-url");
          assertProblem(all.resultAt(2), 503, "--redis-url");
          assertEquals(200, all.<HttpResponse<Buffer>>resultAt(3).statusCode());
          assertProblem(all.resultAt(4), 405, "POST");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a PostgreSQL URL given but unreachable fails the start with one line naming it")
  void pgUnreachable(Vertx vertx, VertxTestContext ctx) {
    int port = closedPort();
    start(vertx, "postgresql://postgres@127.0.0.1:" + port + "/postgres", null)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().startsWith("PostgreSQL at 127.0.0.1:" + port + "/postgres (--pg-url) cannot be used: "),
              e.getMessage());
          assertFalse(e.getMessage().contains("\n"), e.getMessage());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a Redis URL given but unreachable fails the start with one line naming it")
  void redisUnreachable(Vertx vertx, VertxTestContext ctx) {
    int port = closedPort();
    start(vertx, null, "redis://127.0.0.1:" + port)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().startsWith("Redis at 127.0.0.1:" + port + " (--redis-url) cannot be used: "), e.getMessage());
          assertFalse(e.getMessage().contains("\n"), e.getMessage());
          ctx.completeNow();
        })));
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String detailPart) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    assertEquals(status, problem.getInteger("status"));
    assertTrue(problem.getString("detail").contains(detailPart), problem.encode());
  }

  private Future<HttpResponse<Buffer>> get(CeilingServer.Started started, String path) {
    return client.get(started.port(), "127.0.0.1", path).send();
  }

  private Future<HttpResponse<Buffer>> post(CeilingServer.Started started, String path, String body) {
    return client.post(started.port(), "127.0.0.1", path).sendBuffer(Buffer.buffer(body));
  }

  private static Pool adminPool(Vertx vertx) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(PgConnectOptions.fromUri(services.pgUrl()))
        .using(vertx).build();
  }

  private static Future<Long> count(Pool pool) {
    return pool.query("SELECT count(*) FROM " + CeilingBackends.SCHEMA + ".inserts").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A loopback port nothing listens on (free a moment ago). */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
