package io.genesis.launcher;

import static io.genesis.launcher.Poll.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five JVMs as an operator deploys them, every one {@code serve … --cluster} on loopback against one
 * PostgreSQL and one Redis: two gateways, an agent service, two session services; later a third session
 * service. What a user sees through both gateways: the rate limit, fresh reads, and a {@code kill -9} of a
 * session service under load.
 */
@DisplayName("Cluster: two gateways, an agent service and session services in separate JVMs on one PostgreSQL and Redis")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  private static final int LIMIT = 300;
  private static final int WRITERS = 12;
  /** A writer starts at most one request per this: 240 a minute, under the limit. */
  private static final long PACE_MILLIS = 250;
  private static final Duration START = Duration.ofSeconds(150);
  private static final String APPEND_PROCESSED = "vertx_eventbus_processed_total{address=\"genesis.session.message.append\"}";

  @TempDir
  static Path workDir;

  private final Map<String, String> env = new HashMap<>();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final int[] hazelcastPorts = IntStream.range(0, 6).map(i -> ClusterNode.freePort()).toArray();
  private ClusterNode gatewayA;
  private ClusterNode gatewayB;
  private ClusterNode session1;
  private ClusterNode session2;
  private ClusterNode session3;
  private Vertx vertx;
  private WebClient web;
  private Tokens tokens;
  private Pool db;

  @BeforeAll
  void start() {
    TestServices.Urls urls = TestServices.get();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env.put("GENESIS_PG_URL", urls.pgUrl());
    env.put("GENESIS_REDIS_URL", urls.redisUrl());
    env.put("GENESIS_JWT_SECRET", TestApp.SECRET);
    env.put("GENESIS_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", String.valueOf(LIMIT));
    env.put("GENESIS_CLUSTER_MEMBERS", IntStream.of(hazelcastPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.put("GENESIS_HTTP_PORT", "0");
    // The first session service migrates the schema before the second starts (replicas started at the
    // same moment are another test's concern); the rest start alongside it.
    session1 = node("session-1", "session-service", 0);
    ClusterNode agent = node("agent", "agent-service", 1);
    gatewayA = node("gateway-a", "gateway", 2);
    gatewayB = node("gateway-b", "gateway", 3);
    session1.awaitReady(START);
    session2 = node("session-2", "session-service", 4).awaitReady(START);
    agent.awaitReady(START);
    gatewayA.awaitReady(START);
    gatewayB.awaitReady(START);
    vertx = Vertx.vertx();
    web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setIdleTimeout(30),
        new PoolOptions().setHttp1MaxSize(200));
    tokens = new Tokens(vertx, TestApp.SECRET);
    db = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(urls.pgUrl())).using(vertx).build();
    for (ClusterNode gateway : List.of(gatewayA, gatewayB)) {
      eventually(Duration.ofSeconds(60), () -> get(gateway, "/health/ready", null).statusCode() == 200,
          () -> gateway.name() + " never saw every service: " + get(gateway, "/health/ready", null).bodyAsString());
    }
  }

  private ClusterNode node(String name, String service, int index) {
    Map<String, String> own = new HashMap<>(env);
    own.put("GENESIS_CLUSTER_PORT", String.valueOf(hazelcastPorts[index]));
    ClusterNode node = ClusterNode.start(name, service, workDir, own);
    nodes.add(node);
    return node;
  }

  @AfterAll
  void stop() {
    nodes.forEach(ClusterNode::close);
    if (vertx != null) {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  @Order(1)
  @DisplayName("N + 100 concurrent requests of one user, split across both gateways: exactly N pass")
  void rateLimitExactAcrossGateways() {
    for (int attempt = 1; ; attempt++) {
      String token = token("rl-" + UUID.randomUUID());
      List<HttpResponse<Buffer>> responses = Burst.fire(LIMIT + 100,
          i -> request(i % 2 == 0 ? gatewayA : gatewayB, "GET", "/api/v1/agents", token).send());
      Map<Integer, Long> statuses = responses.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
      if (!statuses.containsKey(503)) {
        assertEquals(Map.of(200, (long) LIMIT, 429, 100L), statuses);
        return;
      }
      // A Redis call past its 2 s deadline on an overloaded machine answers 503 by design: never an admission,
      // though Redis may still log it. Never more than the limit passes, and a 429 means the window was full.
      long passed = statuses.getOrDefault(200, 0L);
      assertTrue(passed <= LIMIT, "never more than the limit: " + statuses);
      assertTrue(!statuses.containsKey(429) || passed + statuses.get(503) >= LIMIT, "429 only once the window is full: " + statuses);
      assertTrue(java.util.Set.of(200, 429, 503).containsAll(statuses.keySet()), "only 200, 429 and 503: " + statuses);
      if (attempt == 3) {
        return;
      }
    }
  }

  @Test
  @Order(2)
  @DisplayName("a write through one gateway is read fresh through the other at once: messages, closing, the session list")
  void noStaleReadsAcrossGateways() {
    String token = token("fresh-" + UUID.randomUUID());
    for (int round = 0; round < 6; round++) {
      ClusterNode writer = round % 2 == 0 ? gatewayA : gatewayB;
      ClusterNode reader = round % 2 == 0 ? gatewayB : gatewayA;
      HttpResponse<Buffer> created = send(writer, "POST", "/api/v1/sessions", token, new JsonObject().put("title", "round " + round));
      assertEquals(201, created.statusCode(), created::bodyAsString);
      String id = created.bodyAsJsonObject().getString("id");
      assertEquals(200, get(reader, "/api/v1/sessions/" + id, token).statusCode(), "created through one, found through the other");
      for (int i = 0; i < 3; i++) {
        // Read through the other gateway first, so each session service may hold the page in its caches.
        get(reader, ReplyWire.messagesPath(id), token);
        HttpResponse<Buffer> sent = send(writer, "POST", ReplyWire.messagesPath(id), token, new JsonObject().put("content", "round " + round + " #" + i));
        assertEquals(201, sent.statusCode(), sent::bodyAsString);
        String messageId = sent.bodyAsJsonObject().getJsonObject("message").getString("id");
        JsonArray page = get(reader, ReplyWire.messagesPath(id), token).bodyAsJsonObject().getJsonArray("items");
        assertEquals(2 * (i + 1), page.size(), "every message so far, read through the other gateway");
        assertTrue(page.stream().anyMatch(m -> messageId.equals(((JsonObject) m).getString("id"))), "the new message is there");
      }
      get(reader, "/api/v1/sessions/" + id, token);
      assertEquals(204, send(writer, "DELETE", "/api/v1/sessions/" + id, token, null).statusCode());
      assertEquals(false, get(reader, "/api/v1/sessions/" + id, token).bodyAsJsonObject().getBoolean("active"), "closed, read through the other");
      HttpResponse<Buffer> late = send(reader, "POST", ReplyWire.messagesPath(id), token, new JsonObject().put("content", "too late"));
      assertEquals(409, late.statusCode(), late::bodyAsString);
    }
  }

  @Test
  @Order(3)
  @DisplayName("kill -9 of a session service under load: every acknowledged message stored once, errors over within 5 s, "
      + "the survivor takes the work, a third session service takes a share")
  void killASessionServiceUnderLoad() {
    List<Writer> writers = IntStream.range(0, WRITERS).mapToObj(i -> new Writer(i, i % 2 == 0 ? gatewayA : gatewayB)).toList();
    writers.forEach(Writer::start);
    eventually(Duration.ofSeconds(60), () -> writers.stream().allMatch(w -> w.acknowledged() >= 2), () -> "the writers never got going");

    long[] before = {appends(session1), appends(session2)};
    int acked = acknowledged(writers);
    eventually(Duration.ofSeconds(60), () -> acknowledged(writers) >= acked + 60, () -> "no progress before the kill");
    long[] shared = {appends(session1) - before[0], appends(session2) - before[1]};
    assertTrue(shared[0] > 0 && shared[1] > 0, "both session services take a share before the kill: " + List.of(shared[0], shared[1]));

    long killed = System.nanoTime();
    session2.kill();
    long afterKill = appends(session1);
    eventually(Duration.ofSeconds(60), () -> System.nanoTime() - killed > Duration.ofSeconds(7).toNanos()
        && acknowledgedSince(writers, killed + Duration.ofSeconds(5).toNanos()) >= 60, () -> "no progress after the kill");
    long survivorTook = appends(session1) - afterKill;
    long ackedAfterKill = acknowledgedSince(writers, killed);

    session3 = node("session-3", "session-service", 5).awaitReady(START);
    long joined = System.nanoTime();
    long[] beforeThird = {appends(session1), appends(session3)};
    eventually(Duration.ofSeconds(60), () -> acknowledgedSince(writers, joined) >= 60, () -> "no progress after the third joined");
    long[] thirdShare = {appends(session1) - beforeThird[0], appends(session3) - beforeThird[1]};

    writers.forEach(Writer::stop);
    Await.result(Future.all(writers.stream().map(Writer::done).toList()), Duration.ofSeconds(60));

    List<Attempt> attempts = writers.stream().flatMap(w -> w.attempts.stream()).toList();
    List<Attempt> failed = attempts.stream().filter(a -> !a.acknowledged()).toList();
    long ackedCount = attempts.size() - failed.size();
    double lastErrorSeconds = failed.stream().mapToLong(Attempt::ended).map(t -> t - killed).max().orElse(0) / 1e9;
    Figures figures = new Figures(ackedCount, failed.size(),
        failed.stream().collect(Collectors.groupingBy(Attempt::status, Collectors.counting())), lastErrorSeconds,
        List.of(shared[0], shared[1]), survivorTook, ackedAfterKill, List.of(thirdShare[0], thirdShare[1]));
    System.out.println("cluster figures: " + figures);

    List<Attempt> outsideFailover = failed.stream()
        .filter(a -> a.ended() < killed || a.ended() - killed > Duration.ofSeconds(5).toNanos()).toList();
    assertEquals(List.of(), outsideFailover, "errors only in the 5 s after the kill; " + figures);
    failed.stream().filter(a -> !a.sse()).forEach(a -> {
      assertEquals(503, a.status(), "a JSON failure is a 503: " + a);
      assertEquals("1", a.retryAfter(), "with Retry-After: " + a);
    });
    assertTrue(survivorTook >= ackedAfterKill, "the survivor stored the messages after the kill: " + figures);
    assertTrue(thirdShare[1] > 0, "the third session service takes a share: " + figures);
    assertStoredOnce(writers);
  }

  @Test
  @Order(4)
  @DisplayName("with no session service left: a fast 503 naming it on both gateways, and readiness names it")
  void noSessionServiceLeft() {
    session1.kill();
    if (session3 != null) {
      session3.kill();
    }
    String token = token("gone-" + UUID.randomUUID());
    for (ClusterNode gateway : List.of(gatewayA, gatewayB)) {
      // Until the cluster has noticed both deaths, a request may still be sent to a dead member (a 503 "did not
      // answer in time" about a second after that member is seen leaving; readiness may already say 503 then).
      eventually(Duration.ofSeconds(15), () -> {
        HttpResponse<Buffer> probe = get(gateway, "/api/v1/sessions", token);
        return probe.statusCode() == 503 && probe.bodyAsJsonObject().getString("detail").startsWith("session-service is not available");
      }, () -> "a session service still looks alive");
      long started = System.nanoTime();
      HttpResponse<Buffer> listed = get(gateway, "/api/v1/sessions", token);
      long took = System.nanoTime() - started;
      assertEquals(503, listed.statusCode(), listed::bodyAsString);
      assertTrue(listed.bodyAsJsonObject().getString("detail").startsWith("session-service is not available"), listed::bodyAsString);
      assertEquals("1", listed.getHeader("Retry-After"));
      assertTrue(took < Duration.ofSeconds(2).toNanos(), "answered in " + took / 1_000_000 + " ms");
      JsonObject ready = get(gateway, "/health/ready", null).bodyAsJsonObject();
      assertTrue(ready.getString("detail").contains("session-service"), ready::encode);
      assertTrue(!ready.getString("detail").contains("agent-service"), "the agent service is still reachable: " + ready.encode());
    }
  }

  /** Every acknowledged message and reply is stored, and no text a writer sent is stored twice. */
  private void assertStoredOnce(List<Writer> writers) {
    List<String> ids = writers.stream().flatMap(w -> w.attempts.stream()).filter(Attempt::acknowledged)
        .flatMap(a -> java.util.stream.Stream.of(a.messageId(), a.replyId())).toList();
    List<UUID> uuids = ids.stream().map(UUID::fromString).toList();
    Map<String, Long> stored = new HashMap<>();
    for (Row row : Await.result(db.preparedQuery("SELECT id::text AS id, count(*) AS n FROM messages WHERE id = ANY($1) GROUP BY id")
        .execute(Tuple.of(uuids.toArray(UUID[]::new))), Duration.ofSeconds(30))) {
      stored.put(row.getString("id"), row.getLong("n"));
    }
    List<String> missing = ids.stream().filter(id -> !stored.containsKey(id)).toList();
    assertEquals(List.of(), missing, "acknowledged but not stored");
    for (Writer writer : writers) {
      Map<String, Long> texts = new HashMap<>();
      for (JsonObject message : writer.storedMessages()) {
        if ("user".equals(message.getString("role"))) {
          texts.merge(message.getString("content"), 1L, Long::sum);
        }
      }
      texts.forEach((text, count) -> assertEquals(1L, count, "stored once: " + text));
      writer.attempts.stream().filter(Attempt::acknowledged)
          .forEach(a -> assertEquals(1L, texts.getOrDefault(a.content(), 0L), "acknowledged, stored once: " + a.content()));
    }
  }

  private record Figures(long acknowledged, long failed, Map<Integer, Long> failedByStatus, double lastErrorAfterKillSeconds,
                         List<Long> appendsBeforeKill, long survivorAppendsAfterKill, long acknowledgedAfterKill,
                         List<Long> appendsSurvivorAndThird) {}

  /** One exchange: status 201 (JSON) or 200 with a final {@code done} (SSE) is acknowledged. */
  private record Attempt(String content, boolean sse, long started, long ended, int status, boolean acknowledged,
                         String messageId, String replyId, String retryAfter) {
    Attempt(String content, boolean sse, long started, long ended, int status, boolean acknowledged, String messageId, String replyId) {
      this(content, sse, started, ended, status, acknowledged, messageId, replyId, null);
    }
  }

  /** A user with a session of their own, sending JSON and streamed messages in turn through one gateway. */
  private final class Writer {
    private final int index;
    private final ClusterNode gateway;
    private final String token;
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Void> done = Promise.promise();
    private String sessionId;
    private int sent;

    Writer(int index, ClusterNode gateway) {
      this.index = index;
      this.gateway = gateway;
      this.token = token("writer-" + index + "-" + UUID.randomUUID());
    }

    void start() {
      HttpResponse<Buffer> created = send(gateway, "POST", "/api/v1/sessions", token, new JsonObject());
      assertEquals(201, created.statusCode(), created::bodyAsString);
      sessionId = created.bodyAsJsonObject().getString("id");
      vertx.runOnContext(v -> next());
    }

    void stop() {
      stopping.set(true);
    }

    Future<Void> done() {
      return done.future();
    }

    long acknowledged() {
      return attempts.stream().filter(Attempt::acknowledged).count();
    }

    private void next() {
      if (stopping.get()) {
        done.tryComplete();
        return;
      }
      String content = "writer " + index + " message " + sent;
      boolean sse = sent++ % 2 == 1;
      long started = System.nanoTime();
      HttpRequest<Buffer> request = request(gateway, "POST", ReplyWire.messagesPath(sessionId), token)
          .putHeader("Accept", sse ? "text/event-stream" : "application/json").timeout(20_000);
      request.sendJsonObject(new JsonObject().put("content", content)).onComplete(answer -> {
        attempts.add(attempt(content, sse, started, answer.succeeded() ? answer.result() : null));
        long wait = PACE_MILLIS - (System.nanoTime() - started) / 1_000_000;
        if (wait > 0) {
          vertx.setTimer(wait, id -> next());
        } else {
          next();
        }
      });
    }

    private Attempt attempt(String content, boolean sse, long started, HttpResponse<Buffer> response) {
      long ended = System.nanoTime();
      if (response == null) {
        return new Attempt(content, sse, started, ended, 0, false, null, null);
      }
      int status = response.statusCode();
      if (!sse) {
        if (status != 201) {
          return new Attempt(content, false, started, ended, status, false, null, null, response.getHeader("Retry-After"));
        }
        JsonObject body = response.bodyAsJsonObject();
        return new Attempt(content, false, started, ended, status, true, body.getJsonObject("message").getString("id"),
            body.getJsonObject("reply").getString("id"));
      }
      List<ReplyWire.Event> events = status == 200 ? ReplyWire.parse(response.bodyAsString()) : List.of();
      boolean finished = !events.isEmpty() && events.get(events.size() - 1).name().equals("done");
      if (!finished) {
        // An SSE stream that ended with an error event counts as its problem's status.
        int failure = events.isEmpty() ? status : events.get(events.size() - 1).data().getInteger("status", status);
        return new Attempt(content, true, started, ended, failure, false, null, null);
      }
      JsonObject meta = events.get(0).data();
      return new Attempt(content, true, started, ended, status, true, meta.getString("userMessageId"), meta.getString("replyId"));
    }

    /** Every message of this writer's session, read page by page through its gateway. */
    List<JsonObject> storedMessages() {
      List<JsonObject> all = new ArrayList<>();
      String before = null;
      do {
        JsonObject page = get(gateway, ReplyWire.messagesPath(sessionId) + "?limit=100" + (before == null ? "" : "&before=" + before), token)
            .bodyAsJsonObject();
        page.getJsonArray("items").forEach(item -> all.add((JsonObject) item));
        before = page.getString("nextCursor");
      } while (before != null);
      return all;
    }
  }

  private static int acknowledged(List<Writer> writers) {
    return (int) writers.stream().mapToLong(Writer::acknowledged).sum();
  }

  private static long acknowledgedSince(List<Writer> writers, long since) {
    return writers.stream().flatMap(w -> w.attempts.stream()).filter(a -> a.acknowledged() && a.started() >= since).count();
  }

  /** The message appends this session service's process has handled (its own operator port). */
  private long appends(ClusterNode session) {
    HttpResponse<Buffer> metrics = Await.result(web.get(session.operatorPort(), "127.0.0.1", "/metrics").send(), Duration.ofSeconds(10));
    return metrics.bodyAsString().lines().filter(line -> line.startsWith(APPEND_PROCESSED + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(APPEND_PROCESSED.length() + 1))).findFirst().orElse(0);
  }

  private String token(String userId) {
    return tokens.issue(userId, List.of("user"), 3600).token();
  }

  private HttpRequest<Buffer> request(ClusterNode gateway, String method, String path, String token) {
    HttpRequest<Buffer> request = web.request(io.vertx.core.http.HttpMethod.valueOf(method), gateway.httpPort(), "127.0.0.1", path);
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  private HttpResponse<Buffer> get(ClusterNode gateway, String path, String token) {
    return Await.result(request(gateway, "GET", path, token).send(), Duration.ofSeconds(30));
  }

  private HttpResponse<Buffer> send(ClusterNode gateway, String method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = request(gateway, method, path, token);
    return Await.result(body == null ? request.send() : request.sendJsonObject(body), Duration.ofSeconds(30));
  }
}
