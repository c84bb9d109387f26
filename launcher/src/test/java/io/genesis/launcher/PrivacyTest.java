package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.ExportPage;
import io.genesis.common.bus.Messages.ExportPageRequest;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.error.ServiceException;
import io.genesis.common.redis.RedisKeys;
import io.genesis.embedded.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("GDPR: GET /api/v1/me/export and DELETE /api/v1/me, checked in PostgreSQL and Redis directly")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  /** A second instance of everything on the same PostgreSQL and Redis (its own Vert.x, caches and bus). */
  private Genesis other;
  private Vertx clientVertx;
  private Http http;
  private Http otherHttp;
  private Pool pg;
  private RedisAPI redis;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    other = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    otherHttp = new Http(clientVertx, other.httpPort());
    TestServices.Urls urls = TestServices.get();
    pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(PgConnectOptions.fromUri(urls.pgUrl()))
        .using(clientVertx).build();
    redis = RedisAPI.api(Redis.createClient(clientVertx, urls.redisUrl()));
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    other.close();
    genesis.close();
  }

  private static String user() {
    return "gdpr-" + UUID.randomUUID();
  }

  /**
   * Stores {@code count} messages through the session service's own contract (so its write path
   * applies), {@code inFlight} at a time (1: in order, and then it answers once the other instance has
   * seen both invalidation passes of every one of them: from then on nothing evicts the session's
   * cache entries).
   */
  private void append(String userId, String sessionId, int count, String prefix, int inFlight) {
    Future<Void> settled = Await.result(invalidations(other.vertx(), sessionId, inFlight == 1 ? 2 * count : 0), WAIT);
    for (int from = 0; from < count; from += inFlight) {
      List<Future<Object>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + inFlight); i++) {
        String role = i % 2 == 0 ? Messages.ROLE_USER : Messages.ROLE_AGENT;
        batch.add(genesis.vertx().eventBus().request(Addresses.MESSAGE_APPEND,
            new AppendMessage(userId, sessionId, role, "sage", prefix + " " + i)).map(m -> (Object) m.body()));
      }
      Await.result(Future.all(batch), WAIT);
    }
    Await.result(settled, WAIT);
  }

  private void append(String userId, String sessionId, int count, String prefix) {
    append(userId, sessionId, count, prefix, 1);
  }

  /** Completes once {@code vertx}'s session service applied {@code expected} remote invalidations naming the session. */
  private static Future<Future<Void>> invalidations(Vertx vertx, String sessionId, int expected) {
    if (expected == 0) {
      return Future.succeededFuture(Future.succeededFuture());
    }
    Promise<Void> seen = Promise.promise();
    int[] counted = {0};
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.SESSION_CACHE_INVALIDATED);
    consumer.handler(message -> {
      if (message.body().getJsonArray("sessionIds", new JsonArray()).contains(sessionId) && ++counted[0] == expected) {
        consumer.unregister();
        seen.tryComplete();
      }
    });
    return consumer.completion().map(v -> seen.future());
  }

  private long count(String sql, String userId) {
    return Await.result(pg.preparedQuery(sql).execute(Tuple.of(userId)), WAIT).iterator().next().getLong(0);
  }

  private long exists(String key) {
    return Await.result(redis.exists(List.of(key)), WAIT).toLong();
  }

  private JsonObject export(Http client, String token) {
    HttpResponse<Buffer> response = client.get("/api/v1/me/export", token);
    assertEquals(200, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    assertEquals("no-store", response.getHeader("Cache-Control"));
    assertEquals("chunked", response.getHeader("Transfer-Encoding"));
    assertTrue(response.getHeader("Content-Disposition").startsWith("attachment; filename=\"genesis-export-"));
    return response.bodyAsJsonObject();
  }

  @Test
  @DisplayName("the export holds every session (closed and empty ones too) with its messages in order, and nothing of another user")
  void exportsEverything() {
    String me = user();
    String stranger = user();
    String token = http.token(me);
    String strangerToken = http.token(stranger);
    String first = http.newSession(token, "sage");
    String second = http.newSession(token, null);
    String empty = http.newSession(token, "wave");
    append(me, first, 5, "first");
    append(me, second, 3, "second");
    assertEquals(204, http.delete("/api/v1/sessions/" + second, token).statusCode());
    String theirs = http.newSession(strangerToken, "nova");
    append(stranger, theirs, 2, "secret of the stranger");

    JsonObject document = export(http, token);
    assertEquals(me, document.getString("userId"));
    assertEquals("genesis-export-1", document.getString("format"));
    assertNotNull(document.getString("exportedAt"));
    JsonArray sessions = document.getJsonArray("sessions");
    assertEquals(List.of(first, second, empty), sessions.stream().map(s -> ((JsonObject) s).getString("id")).toList());
    JsonObject firstSession = sessions.getJsonObject(0);
    assertEquals("sage", firstSession.getString("agentId"));
    assertEquals(me, firstSession.getString("userId"));
    assertEquals(List.of("first 0", "first 1", "first 2", "first 3", "first 4"),
        firstSession.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("content")).toList());
    assertEquals("agent", firstSession.getJsonArray("messages").getJsonObject(1).getString("role"));
    assertFalse(sessions.getJsonObject(1).getBoolean("active"));
    assertEquals(3, sessions.getJsonObject(1).getJsonArray("messages").size());
    assertEquals(0, sessions.getJsonObject(2).getJsonArray("messages").size());
    assertFalse(document.encode().contains(stranger) || document.encode().contains("secret of the stranger") || document.encode().contains(theirs));
    assertEquals(0, export(http, http.token(user())).getJsonArray("sessions").size());
  }

  @Test
  @DisplayName("a user with 3,000 messages gets one complete document, streamed page by page")
  void streamsLargeExports() {
    String me = user();
    String token = http.token(me);
    String big = http.newSession(token, "blaze");
    String small = http.newSession(token, "volt");
    append(me, big, 2_300, "big", 50);
    append(me, small, 700, "small", 50);

    JsonArray sessions = export(http, token).getJsonArray("sessions");
    assertEquals(2, sessions.size());
    Set<String> ids = new HashSet<>();
    Set<String> contents = new HashSet<>();
    int total = 0;
    for (Object s : sessions) {
      JsonArray messages = ((JsonObject) s).getJsonArray("messages");
      String previous = "";
      for (int i = 0; i < messages.size(); i++) {
        JsonObject message = messages.getJsonObject(i);
        assertEquals(((JsonObject) s).getString("id"), message.getString("sessionId"));
        assertTrue(Instant.parse(message.getString("createdAt")).compareTo(Instant.parse(previous.isEmpty()
            ? "1970-01-01T00:00:00Z" : previous)) > 0, "oldest first (times strictly increase within a session)");
        previous = message.getString("createdAt");
        ids.add(message.getString("id"));
        contents.add(message.getString("content"));
      }
      total += messages.size();
    }
    for (int i = 0; i < 2_300; i++) {
      assertTrue(contents.contains("big " + i), "big " + i);
    }
    for (int i = 0; i < 700; i++) {
      assertTrue(contents.contains("small " + i), "small " + i);
    }
    assertEquals(3_000, total);
    assertEquals(3_000, ids.size());
  }

  @Test
  @DisplayName("a user with more sessions than one page holds gets them all, in id order")
  void manySessions() {
    String me = user();
    String token = http.token(me);
    List<Future<Object>> created = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      created.add(genesis.vertx().eventBus().request(Addresses.SESSION_CREATE,
          new Messages.CreateSession(me, null, "s" + i)).map(m -> (Object) m.body()));
    }
    Await.result(Future.all(created), WAIT);
    List<String> ids = export(http, token).getJsonArray("sessions").stream().map(s -> ((JsonObject) s).getString("id")).toList();
    assertEquals(250, ids.size());
    assertEquals(250, new HashSet<>(ids).size());
    assertEquals(ids.stream().sorted().toList(), ids);
  }

  @Test
  @DisplayName("DELETE /api/v1/me erases rows, both cache layers and the rate-limit window; another user keeps everything; twice is fine")
  void erasesEverything() {
    String me = user();
    String stranger = user();
    String token = http.token(me);
    String strangerToken = http.token(stranger);
    String first = http.newSession(token, "sage");
    String second = http.newSession(token, "aura");
    append(me, first, 1_200, "mine", 50);
    append(me, second, 3, "mine too");
    String theirs = http.newSession(strangerToken, "nova");
    append(stranger, theirs, 4, "theirs");
    // Read through both caches: sessions and first message pages now sit in L1 and in Redis. Through the
    // other instance: an append leaves the session it wrote in the appending instance's L1, not in Redis.
    for (String id : List.of(first, second)) {
      assertEquals(200, otherHttp.get("/api/v1/sessions/" + id, token).statusCode());
      assertEquals(200, otherHttp.get("/api/v1/sessions/" + id + "/messages", token).statusCode());
    }
    // (the big session's last invalidations may still be under way; the small one has settled)
    assertEquals(1, exists("genesis:v1:session:" + second), "the test needs the session cached in Redis");
    assertEquals(1, exists("genesis:v1:messages:" + second), "the test needs the first page cached in Redis");
    assertEquals(1, exists(RedisKeys.rateLimitUserWindow(me)), "the test needs the user's rate-limit window");

    assertEquals(204, http.delete("/api/v1/me", token).statusCode());

    assertEquals(0, count("SELECT count(*) FROM sessions WHERE user_id = $1", me));
    assertEquals(0, count("SELECT count(*) FROM messages WHERE user_id = $1", me));
    for (String id : List.of(first, second)) {
      assertEquals(0, exists("genesis:v1:session:" + id));
      assertEquals(0, exists("genesis:v1:messages:" + id));
    }
    assertEquals(0, exists(RedisKeys.rateLimitUserWindow(me)));
    assertEquals(1, count("SELECT count(*) FROM sessions WHERE user_id = $1", stranger));
    assertEquals(4, count("SELECT count(*) FROM messages WHERE user_id = $1", stranger));
    assertEquals(4, http.messages(strangerToken, theirs).size());

    assertEquals(0, http.get("/api/v1/sessions", token).bodyAsJsonObject().getJsonArray("items").size());
    assertEquals(404, http.get("/api/v1/sessions/" + first, token).statusCode());
    assertEquals(404, http.get("/api/v1/sessions/" + first + "/messages", token).statusCode());
    assertEquals(0, export(http, token).getJsonArray("sessions").size());
    assertEquals(1, count("SELECT count(*) FROM audit_log WHERE action = 'user.erase' AND subject = $1"
        + " AND details LIKE 'sessions=% messages=%' AND actor = subject", me), "the erasure is in the audit trail");
    assertEquals(204, http.delete("/api/v1/me", token).statusCode());
    assertEquals(2, count("SELECT count(*) FROM audit_log WHERE action = 'user.erase' AND subject = $1", me));
  }

  @Test
  @DisplayName("a session cached in another instance's L1 is gone there too after the erasure")
  void erasesEveryInstanceCache() {
    String me = user();
    String token = http.token(me);
    String id = http.newSession(token, "stella");
    append(me, id, 2, "cached");
    // Read on the other instance: the session sits in ITS Caffeine and in Redis.
    assertEquals(200, otherHttp.get("/api/v1/sessions/" + id, token).statusCode());
    assertEquals(2, otherHttp.messages(token, id).size());
    Future<JsonObject> dropped = Await.result(invalidationOf(other.vertx(), id), WAIT);

    assertEquals(204, http.delete("/api/v1/me", token).statusCode());

    Await.result(dropped, WAIT);
    assertEquals(404, otherHttp.get("/api/v1/sessions/" + id, token).statusCode());
    assertEquals(404, otherHttp.get("/api/v1/sessions/" + id + "/messages", token).statusCode());
    assertEquals(404, http.get("/api/v1/sessions/" + id, token).statusCode());
  }

  /** Completes once {@code vertx}'s session service applied a remote invalidation naming the session. */
  private static Future<Future<JsonObject>> invalidationOf(Vertx vertx, String sessionId) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.SESSION_CACHE_INVALIDATED);
    consumer.handler(message -> {
      JsonArray ids = message.body().getJsonArray("sessionIds", new JsonArray());
      if (ids.contains(sessionId) || message.body().getBoolean("all", false)) {
        consumer.unregister();
        seen.tryComplete(message.body());
      }
    });
    return consumer.completion().map(v -> seen.future());
  }

  @Test
  @DisplayName("an export cut short by the session service ends with a broken connection, never a complete-looking document")
  void brokenExportIsDetectable() {
    Genesis gateway = Genesis.start(TestApp.config(dataDir, "postgresql://nobody@127.0.0.1:1/none", "redis://127.0.0.1:1"),
        EnumSet.of(Service.GATEWAY), false);
    try {
      SessionView session = new SessionView(UUID.randomUUID().toString(), "cut", null, null, true,
          Instant.now(), Instant.now());
      // A stand-in session service: a first page, then a failure.
      Await.result(gateway.vertx().eventBus().<ExportPageRequest>consumer(Addresses.USER_EXPORT_PAGE, message -> {
        if (message.body().cursor() == null) {
          message.reply(new ExportPage(List.of(new Messages.ExportChunk(session, List.of())), "next"));
        } else {
          ServiceException.reply(message, ServiceException.unavailable("session store unavailable"));
        }
      }).completion(), WAIT);
      Await.result(gateway.vertx().eventBus().consumer(Addresses.USER_EXPORT_KEYS,
          message -> message.reply(new Messages.ExportedKeys(List.of()))).completion(), WAIT);
      Await.result(gateway.vertx().eventBus().consumer(Addresses.PROFILE_GET,
          message -> message.reply(Messages.Profile.EMPTY)).completion(), WAIT);
      Http direct = new Http(clientVertx, gateway.httpPort());
      String token = direct.token("cut");
      WebClient web = WebClient.create(clientVertx);
      Throwable failure = assertThrows(Throwable.class, () -> Await.result(web.get(gateway.httpPort(), "127.0.0.1", "/api/v1/me/export")
          .bearerTokenAuthentication(token).send(), WAIT));
      assertNotNull(failure);
    } finally {
      gateway.close();
    }
  }
}
