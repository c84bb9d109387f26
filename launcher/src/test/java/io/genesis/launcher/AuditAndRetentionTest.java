package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
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
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail and the retention job over HTTP. Admin requests are audited fire-and-forget after
 * their response, so a test waits for an entry by polling {@code /api/v1/admin/audit} from a Vert.x
 * timer, bounded by a future's timeout. Retention runs every second here; a test waits for the run
 * that started after it aged its messages ({@link Addresses#RETENTION_RAN}).
 */
@DisplayName("The audit trail and message retention")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditAndRetentionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private WebClient poller;
  private Pool pg;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir, Map.of("GENESIS_RETENTION_DAYS", "30", "GENESIS_RETENTION_INTERVAL_SECONDS", "1"));
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    poller = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(genesis.httpPort()));
    pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(TestServices.get().pgUrl())).using(clientVertx).build();
  }

  @AfterAll
  void stop() {
    Await.result(pg.close(), Duration.ofSeconds(10));
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  @Test
  @DisplayName("an admin's reads of /api/v1/admin/* and /performance/* are audited: who, which route, when")
  void adminReadsAudited() {
    String adminId = "admin-" + UUID.randomUUID();
    String admin = token(adminId, "admin");
    Instant before = Instant.now();
    assertEquals(200, http.get("/api/v1/admin/stats", admin).statusCode());
    assertEquals(200, http.get("/performance/metrics", admin).statusCode());

    JsonObject stats = awaitEntry(admin, "admin.read", e -> adminId.equals(e.getString("actor"))
        && "/api/v1/admin/stats".equals(e.getString("subject")));
    assertEquals("GET /api/v1/admin/stats 200", stats.getString("details"));
    assertFalse(Instant.parse(stats.getString("at")).isBefore(before.minusSeconds(1)));
    assertEquals(36, stats.getString("id").length());
    JsonObject performance = awaitEntry(admin, "admin.read", e -> adminId.equals(e.getString("actor"))
        && "/performance/metrics".equals(e.getString("subject")));
    assertEquals("GET /performance/metrics 200", performance.getString("details"));
  }

  @Test
  @DisplayName("only admins read the trail: 401 without a token, 403 for a user (and nothing audited for them), 400 for bad paging")
  void adminOnly() {
    String userId = "user-" + UUID.randomUUID();
    String user = token(userId, "user");
    HttpResponse<Buffer> forbidden = http.get("/api/v1/admin/audit", user);
    assertEquals(403, forbidden.statusCode());
    assertEquals("application/problem+json", forbidden.getHeader("Content-Type"));
    assertEquals(401, http.get("/api/v1/admin/audit", null).statusCode());
    String admin = token("admin-" + UUID.randomUUID(), "admin");
    assertEquals(400, http.get("/api/v1/admin/audit?limit=0", admin).statusCode());
    assertEquals(400, http.get("/api/v1/admin/audit?limit=101", admin).statusCode());
    assertEquals(400, http.get("/api/v1/admin/audit?cursor=AAAA", admin).statusCode());
    assertEquals(400, http.get("/api/v1/admin/audit?action=a%20b", admin).statusCode());
    for (JsonObject entry : allEntries(admin, null)) {
      assertFalse(userId.equals(entry.getString("actor")), entry::encode);
    }
  }

  @Test
  @DisplayName("pages come newest first, each entry once, with the action filter; nextCursor is null on the last")
  void pagination() {
    String adminId = "admin-" + UUID.randomUUID();
    String admin = token(adminId, "admin");
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.get("/api/v1/admin/stats", admin).statusCode());
    }
    Predicate<JsonObject> mine = e -> adminId.equals(e.getString("actor")) && "/api/v1/admin/stats".equals(e.getString("subject"));
    awaitCount(admin, mine, 5);

    List<JsonObject> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = http.get("/api/v1/admin/audit?action=admin.read&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin)
          .bodyAsJsonObject();
      JsonArray items = page.getJsonArray("items");
      assertTrue(items.size() <= 2);
      items.forEach(item -> seen.add((JsonObject) item));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && seen.stream().filter(mine).count() < 5 && pages < 500);
    assertEquals(5, seen.stream().filter(mine).count());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < seen.size(); i++) {
      assertTrue(ids.add(seen.get(i).getString("id")), "each entry once");
      assertEquals("admin.read", seen.get(i).getString("action"));
      if (i > 0) {
        assertFalse(Instant.parse(seen.get(i).getString("at")).isAfter(Instant.parse(seen.get(i - 1).getString("at"))));
      }
    }
    JsonObject last = http.get("/api/v1/admin/audit?action=no.such.action", admin).bodyAsJsonObject();
    assertEquals(0, last.getJsonArray("items").size());
    assertNull(last.getString("nextCursor"));
  }

  @Test
  @DisplayName("retention deletes old messages (the cached page forgets them), keeps recent ones and the session, audits the run, never content")
  void retention() {
    String userId = "user-" + UUID.randomUUID();
    String user = token(userId, "user");
    String sessionId = http.newSession(user, "sage");
    String secret = "old secret " + UUID.randomUUID();
    assertEquals(201, http.post("/api/v1/sessions/" + sessionId + "/messages", user, new JsonObject().put("content", secret)).statusCode());
    assertEquals(201, http.post("/api/v1/sessions/" + sessionId + "/messages", user,
        new JsonObject().put("content", "recent question")).statusCode());
    // The first exchange (question and reply) becomes 40 days old; SQL so that it is the real column.
    Await.result(pg.preparedQuery("UPDATE messages SET created_at = created_at - interval '40 days' WHERE id IN "
        + "(SELECT id FROM messages WHERE session_id = $1 ORDER BY created_at LIMIT 2)")
        .execute(Tuple.of(UUID.fromString(sessionId))), WAIT);
    Instant aged = Instant.now();
    Future<JsonObject> ran = nextRunAfter(aged);
    assertEquals(4, http.messages(user, sessionId).size(), "the first page is cached with all four");

    JsonObject run = Await.result(ran, WAIT);
    assertTrue(run.getLong("deleted") >= 2, run::encode);

    JsonArray left = http.messages(user, sessionId);
    assertEquals(2, left.size(), left::encode);
    assertEquals("recent question", left.getJsonObject(1).getString("content"));
    assertEquals(200, http.get("/api/v1/sessions/" + sessionId, user).statusCode());
    String admin = token("admin-" + UUID.randomUUID(), "admin");
    JsonObject entry = http.get("/api/v1/admin/audit?action=retention.run&limit=1", admin).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals("system", entry.getString("actor"));
    assertTrue(entry.getString("details").matches("deleted \\d+ messages older than 30 days from \\d+ sessions"), entry::encode);
    for (JsonObject any : allEntries(admin, null)) {
      assertFalse(any.encode().contains(secret) || any.encode().contains("recent question"), any::encode);
    }
  }

  private String token(String userId, String role) {
    HttpResponse<Buffer> minted = http.post("/api/v1/auth/dev-token", null,
        new JsonObject().put("userId", userId).put("roles", new JsonArray().add(role)));
    assertEquals(200, minted.statusCode(), minted::bodyAsString);
    return minted.bodyAsJsonObject().getString("token");
  }

  /** The first retention run (of the app's Vert.x) that started after {@code after}. */
  private Future<JsonObject> nextRunAfter(Instant after) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = genesis.vertx().eventBus().localConsumer(Addresses.RETENTION_RAN);
    consumer.handler(message -> {
      if (Instant.parse(message.body().getString("startedAt")).isAfter(after)) {
        seen.tryComplete(message.body());
      }
    });
    Await.result(consumer.completion(), WAIT);
    return seen.future().eventually(consumer::unregister);
  }

  /** Every entry (of one action, or all), newest first; bounded. */
  private List<JsonObject> allEntries(String admin, String action) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = http.get("/api/v1/admin/audit?limit=100" + (action == null ? "" : "&action=" + action)
          + (cursor == null ? "" : "&cursor=" + cursor), admin).bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> all.add((JsonObject) item));
      cursor = page.getString("nextCursor");
    } while (cursor != null && ++pages < 100);
    return all;
  }

  private JsonObject awaitEntry(String admin, String action, Predicate<JsonObject> match) {
    return awaitEntries(admin, action, match, 1).get(0);
  }

  private void awaitCount(String admin, Predicate<JsonObject> match, int count) {
    awaitEntries(admin, "admin.read", match, count);
  }

  /** Polls the newest page every 50 ms (from a timer, not a sleep) until {@code count} entries match. */
  private List<JsonObject> awaitEntries(String admin, String action, Predicate<JsonObject> match, int count) {
    Promise<List<JsonObject>> found = Promise.promise();
    long timer = clientVertx.setPeriodic(0, 50, tick -> poller.get("/api/v1/admin/audit?limit=100&action=" + action)
        .bearerTokenAuthentication(admin).send()
        .onSuccess(response -> {
          List<JsonObject> matching = new ArrayList<>();
          response.bodyAsJsonObject().getJsonArray("items").forEach(item -> {
            if (match.test((JsonObject) item)) {
              matching.add((JsonObject) item);
            }
          });
          if (matching.size() >= count) {
            found.tryComplete(matching);
          }
        }));
    try {
      return Await.result(found.future(), WAIT);
    } finally {
      clientVertx.cancelTimer(timer);
    }
  }
}
