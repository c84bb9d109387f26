package io.genesis.launcher;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.GenesisConfig;
import io.genesis.embedded.TestServices;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Message content and session titles are encrypted at rest, in PostgreSQL and in Redis")
class EncryptionAtRestTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  static final String KEY_A = key(7);
  static final String KEY_B = key(11);

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private String pgUrl;
  private Pool db;
  private RedisAPI redis;

  static String key(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 13 + i * 7);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Each test on a database of its own on the suite's server: rotation must see only this test's rows. */
  @BeforeEach
  void freshDatabase() {
    vertx = Vertx.vertx();
    String name = "crypto_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Pool admin = pool(urlFor(TestServices.get().pgUrl(), "postgres"));
    try {
      Await.result(admin.query("CREATE DATABASE " + name).execute(), WAIT);
    } finally {
      Await.result(admin.close(), WAIT);
    }
    pgUrl = urlFor(TestServices.get().pgUrl(), name);
    db = pool(pgUrl);
    redis = RedisAPI.api(Redis.createClient(vertx, TestServices.get().redisUrl()));
  }

  @AfterEach
  void close() {
    redis.close();
    Await.result(db.close(), WAIT);
    Await.result(vertx.close(), WAIT);
  }

  private GenesisConfig config(String key, String oldKeys) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("GENESIS_ENCRYPTION_KEY", key));
    if (oldKeys != null) {
      env.put("GENESIS_ENCRYPTION_OLD_KEYS", oldKeys);
    }
    return TestApp.config(dataDir, pgUrl, TestServices.get().redisUrl(), env);
  }

  private Genesis start(String key, String oldKeys) {
    return Genesis.start(config(key, oldKeys), Set.of(Service.values()), false);
  }

  @Test
  @DisplayName("no plaintext of a title or message in the tables or in the genesis:v1:* Redis keys")
  void noPlaintextAtRest() {
    String marker = "zebra-" + UUID.randomUUID();
    String sessionId;
    try (Genesis app = start(KEY_A, null)) {
      Http http = new Http(vertx, app.httpPort());
      String token = http.token("crypto-" + marker);
      sessionId = http.post("/api/v1/sessions", token, new JsonObject().put("title", "Title " + marker))
          .bodyAsJsonObject().getString("id");
      // A new session is written through to Redis; the appends below drop it there (the appending instance
      // keeps what it wrote in its L1 only), so its Redis copy is read now.
      String sessionKey = "genesis:v1:session:" + sessionId;
      String cachedSession = eventually(() -> redis.get(sessionKey).map(r -> r == null ? null : r.toString()));
      for (int i = 0; i < 3; i++) {
        HttpResponse<Buffer> sent = http.post("/api/v1/sessions/" + sessionId + "/messages", token,
            new JsonObject().put("content", "My secret " + marker + " number " + i));
        assertEquals(201, sent.statusCode(), sent::bodyAsString);
      }
      JsonArray items = http.messages(token, sessionId);
      assertEquals("My secret " + marker + " number 2", items.getJsonObject(1).getString("content"));
      assertEquals("Title " + marker, http.get("/api/v1/sessions/" + sessionId, token).bodyAsJsonObject().getString("title"));

      String keyId = FieldCipher.keyIdOf(Base64.getDecoder().decode(KEY_A));
      List<Row> messages = rows("SELECT content, key_id FROM messages WHERE session_id = $1", Tuple.of(UUID.fromString(sessionId)));
      assertEquals(6, messages.size());
      for (Row row : messages) {
        assertEquals(keyId, row.getString("key_id"));
        assertTrue(row.getString("content").startsWith("gcm1:" + keyId + ":"), row.getString("content"));
      }
      Row session = rows("SELECT title, key_id FROM sessions WHERE id = $1", Tuple.of(UUID.fromString(sessionId))).get(0);
      assertEquals(keyId, session.getString("key_id"));
      assertTrue(session.getString("title").startsWith("gcm1:"), session.getString("title"));
      assertEquals(0L, rows("SELECT count(*) FROM messages WHERE content LIKE $1", Tuple.of("%" + marker + "%")).get(0).getLong(0));
      assertEquals(0L, rows("SELECT count(*) FROM sessions WHERE title LIKE $1", Tuple.of("%" + marker + "%")).get(0).getLong(0));

      // The caches' L2 writes are not awaited by the request: wait until both entries exist.
      assertTrue(cachedSession.startsWith("gcm1:" + keyId + ":"), "the session's Redis copy holds " + cachedSession);
      assertFalse(cachedSession.contains(marker), "the session's Redis copy holds plaintext");
      for (String key : List.of("genesis:v1:messages:" + sessionId)) {
        String value = eventually(() -> redis.get(key).map(r -> r == null ? null : r.toString()));
        assertTrue(value.startsWith("gcm1:" + keyId + ":"), key + " holds " + value);
      }
      for (String key : redisKeys()) {
        Response value = Await.result(redis.get(key), WAIT);
        assertFalse(value != null && value.toString().contains(marker), key + " holds plaintext");
      }
    }
  }

  @Test
  @DisplayName("a ciphertext copied into another row fails with a 500 problem, never garbage")
  void movedCiphertextFails() {
    try (Genesis app = start(KEY_A, null)) {
      Http http = new Http(vertx, app.httpPort());
      String token = http.token("crypto-mover");
      String first = http.post("/api/v1/sessions", token, new JsonObject().put("title", "first")).bodyAsJsonObject().getString("id");
      String second = http.post("/api/v1/sessions", token, new JsonObject().put("title", "second secret")).bodyAsJsonObject().getString("id");
      http.post("/api/v1/sessions/" + first + "/messages", token, new JsonObject().put("content", "older"));
      http.post("/api/v1/sessions/" + first + "/messages", token, new JsonObject().put("content", "newer"));
      JsonArray items = http.messages(token, first);
      String newest = items.getJsonObject(0).getString("id");
      String oldest = items.getJsonObject(items.size() - 1).getString("id");

      // The oldest message takes the newest one's ciphertext; the listing below `before` reads the database.
      update("UPDATE messages SET content = (SELECT content FROM messages WHERE id = $2) WHERE id = $1",
          Tuple.of(UUID.fromString(oldest), UUID.fromString(newest)));
      HttpResponse<Buffer> page = http.get("/api/v1/sessions/" + first + "/messages?before=" + newest, token);
      assertProblem(page, "newer");

      // The first session takes the second one's title; the session list reads the database.
      update("UPDATE sessions SET title = (SELECT title FROM sessions WHERE id = $2) WHERE id = $1",
          Tuple.of(UUID.fromString(first), UUID.fromString(second)));
      assertProblem(http.get("/api/v1/sessions", token), "second secret");
    }
  }

  @Test
  @DisplayName("rotation: written under A (and before encryption), readable under B with old key A, rotated to B, readable with B alone")
  void rotation() {
    String idA = FieldCipher.keyIdOf(Base64.getDecoder().decode(KEY_A));
    String idB = FieldCipher.keyIdOf(Base64.getDecoder().decode(KEY_B));
    String token;
    String sessionId;
    JsonArray written;
    try (Genesis app = start(KEY_A, null)) {
      Http http = new Http(vertx, app.httpPort());
      token = http.token("crypto-rotator");
      sessionId = http.post("/api/v1/sessions", token, new JsonObject().put("title", "under A")).bodyAsJsonObject().getString("id");
      for (int i = 0; i < 4; i++) {
        http.post("/api/v1/sessions/" + sessionId + "/messages", token, new JsonObject().put("content", "message " + i + " under A"));
      }
      written = http.messages(token, sessionId);
      assertEquals(8, written.size());
      assertEquals(200, http.send(HttpMethod.PUT, "/api/v1/me/profile", token,
          new JsonObject().put("age", 30).put("weightKg", 80).toBuffer(), Map.of("Content-Type", "application/json")).statusCode());
      for (int i = 0; i < 4; i++) {
        assertEquals(201, http.post("/api/v1/me/progress", token,
            new JsonObject().put("kind", "weight").put("value", 80 - i).put("unit", "kg")).statusCode());
      }
    }
    JsonObject profile = new JsonObject().put("age", 30).put("weightKg", 80);
    // A session and a message written before encryption existed: plaintext, no key id.
    UUID legacySession = UUID.randomUUID();
    UUID legacyMessage = UUID.randomUUID();
    update("INSERT INTO sessions (id, user_id, title) VALUES ($1, 'crypto-rotator', 'legacy title')", Tuple.of(legacySession));
    update("INSERT INTO messages (id, session_id, user_id, role, content, created_at) VALUES ($1, $2, 'crypto-rotator', 'user', "
        + "'legacy content', clock_timestamp())", Tuple.of(legacyMessage, legacySession));

    try (Genesis app = start(KEY_B, KEY_A)) {
      Http http = new Http(vertx, app.httpPort());
      assertEquals(written, http.messages(token, sessionId));
      assertEquals("legacy content", http.messages(token, legacySession.toString()).getJsonObject(0).getString("content"));
      assertEquals("under A", http.get("/api/v1/sessions/" + sessionId, token).bodyAsJsonObject().getString("title"));

      // Rotation while this server runs.
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      boolean complete = RotateKeys.run(config(KEY_B, KEY_A), 3, new PrintStream(printed, true, StandardCharsets.UTF_8));
      String output = printed.toString(StandardCharsets.UTF_8);
      assertTrue(complete, output);
      assertTrue(output.contains("messages: 9 re-encrypted, 0 unreadable, 0 not under key " + idB), output);
      assertTrue(output.contains("sessions: 2 re-encrypted, 0 unreadable, 0 not under key " + idB), output);
      assertTrue(output.contains("profiles: 1 re-encrypted, 0 unreadable, 0 not under key " + idB), output);
      assertTrue(output.contains("progress_records: 4 re-encrypted, 0 unreadable, 0 not under key " + idB), output);
      assertTrue(output.contains("every value is under key " + idB), output);
      assertEquals(written, http.messages(token, sessionId));
    }
    assertEquals(List.of(idB), column("SELECT DISTINCT key_id FROM messages"));
    assertEquals(List.of(idB), column("SELECT DISTINCT key_id FROM sessions"));
    assertEquals(List.of(idB), column("SELECT DISTINCT key_id FROM profiles"));
    assertEquals(List.of(idB), column("SELECT DISTINCT key_id FROM progress_records"));
    assertEquals(0L, rows("SELECT count(*) FROM messages WHERE content NOT LIKE $1", Tuple.of("gcm1:" + idB + ":%")).get(0).getLong(0));
    assertFalse(idA.equals(idB));
    assertEquals(List.of("key " + idB), column("SELECT subject FROM audit_log WHERE action = 'key.rotation' AND actor = 'system'"),
        "the rotation is in the audit trail");

    try (Genesis app = start(KEY_B, null)) {
      Http http = new Http(vertx, app.httpPort());
      assertEquals(written, http.messages(token, sessionId));
      assertEquals("under A", http.get("/api/v1/sessions/" + sessionId, token).bodyAsJsonObject().getString("title"));
      assertEquals("legacy title", http.get("/api/v1/sessions/" + legacySession, token).bodyAsJsonObject().getString("title"));
      assertEquals("legacy content", http.messages(token, legacySession.toString()).getJsonObject(0).getString("content"));
      assertEquals(profile, http.get("/api/v1/me/profile", token).bodyAsJsonObject(), "the profile reads under B alone");
      assertEquals(4, http.get("/api/v1/me/progress?kind=weight", token).bodyAsJsonObject().getJsonArray("items").size(),
          "the progress records read under B alone");
    }
  }

  private static void assertProblem(HttpResponse<Buffer> response, String secret) {
    assertEquals(500, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals(500, response.bodyAsJsonObject().getInteger("status"));
    assertFalse(response.bodyAsString().contains(secret), response.bodyAsString());
  }

  private Pool pool(String url) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  private static String urlFor(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + (query < 0 ? "" : url.substring(query));
  }

  private List<Row> rows(String sql, Tuple args) {
    List<Row> rows = new ArrayList<>();
    Await.result(db.preparedQuery(sql).execute(args), WAIT).forEach(rows::add);
    return rows;
  }

  private List<String> column(String sql) {
    return rows(sql, Tuple.tuple()).stream().map(row -> row.getString(0)).toList();
  }

  private void update(String sql, Tuple args) {
    assertEquals(1, Await.result(db.preparedQuery(sql).execute(args), WAIT).rowCount());
  }

  private List<String> redisKeys() {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = Await.result(redis.scan(List.of(cursor, "MATCH", "genesis:v1:*", "COUNT", "1000")), WAIT);
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> keys.add(key.toString()));
    } while (!cursor.equals("0"));
    return keys;
  }

  /** Polls {@code read} every 20 ms until it answers non-null, for at most 5 s. */
  private String eventually(Supplier<Future<String>> read) {
    Promise<String> found = Promise.promise();
    poll(read, found, 250);
    String value = Await.result(found.future(), WAIT);
    assertNotNull(value);
    return value;
  }

  private void poll(Supplier<Future<String>> read, Promise<String> found, int triesLeft) {
    read.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        found.complete(ar.result());
      } else if (triesLeft <= 0) {
        found.fail("still absent after 5 s");
      } else {
        vertx.setTimer(20, t -> poll(read, found, triesLeft - 1));
      }
    });
  }
}
