package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child GENESIS on its own embedded PostgreSQL and Redis (never the suite's shared ones), one of them
 * stopped with SIGSTOP: the server still accepts connections and reads nothing, so no time-out of its own
 * fires. Requests that need it get a 503 with Retry-After within 2 s each (the bound), and after
 * SIGCONT the same requests succeed again without a restart. A session created while PostgreSQL was frozen,
 * answered 503, is not stored once it resumes.
 */
@DisplayName("A frozen PostgreSQL or Redis (SIGSTOP): 503 within 2 s, recovery after SIGCONT")
class FrozenDependencyTest {
  private static final Duration START = Duration.ofSeconds(180);
  /** The bound for a request while a dependency is frozen, asserted per request. */
  private static final long BOUND_MILLIS = 2_000;
  private static final int TRIES = 6;
  private static final Duration RECOVERY = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;

  private ChildGenesis child;
  private Vertx vertx;
  private Http http;
  private String token;

  @BeforeEach
  void start() {
    Map<String, String> env = new HashMap<>();
    env.put("GENESIS_HTTP_PORT", "0");
    env.put("GENESIS_DATA_DIR", dataDir.toString());
    env.put("GENESIS_JWT_SECRET", TestApp.SECRET);
    env.put("GENESIS_DEV_TOKENS", "true");
    env.put("GENESIS_RATE_LIMIT_PER_MINUTE", "1000000");
    env.put("GENESIS_PG_URL", null); // its own embedded PostgreSQL and Redis: SIGSTOP must not hit the suite's
    env.put("GENESIS_REDIS_URL", null);
    env.put("GENESIS_MODEL_BASE_URL", null);
    env.put("GENESIS_LOG_FORMAT", "text");
    child = ChildGenesis.start(dataDir, env, START);
    vertx = Vertx.vertx();
    http = new Http(vertx, child.port());
    token = http.token("frozen-user");
  }

  @AfterEach
  void stop() {
    if (child != null) {
      child.terminate();
      child.exited(Duration.ofSeconds(30));
      child.close();
    }
    if (vertx != null) {
      Await.result(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("PostgreSQL frozen: creating and listing sessions answer 503 within 2 s; nothing answered 503 is stored later; it serves again after SIGCONT")
  void postgresFrozen() throws IOException {
    String before = http.newSession(token, null);
    List<ProcessHandle> postgres = postgresProcesses();
    List<String> refusedTitles = new ArrayList<>();
    long continued;
    signal("STOP", postgres);
    try {
      for (int i = 0; i < TRIES; i++) {
        String title = "frozen-" + i;
        HttpResponse<Buffer> created = timed("POST /api/v1/sessions", () ->
            http.post("/api/v1/sessions", token, new JsonObject().put("title", title)));
        if (created.statusCode() == 503) {
          refusedTitles.add(title);
        }
        assertUnavailable(created);
        assertUnavailable(timed("GET /api/v1/sessions", () -> http.get("/api/v1/sessions?limit=50", token)));
      }
    } finally {
      signal("CONT", postgres);
      continued = System.nanoTime();
    }
    recovers(continued, () -> http.post("/api/v1/sessions", token, new JsonObject().put("title", "after")), 201);
    JsonObject page = http.get("/api/v1/sessions?limit=100", token).bodyAsJsonObject();
    List<String> titles = page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("title")).toList();
    assertTrue(titles.contains("after"), titles::toString);
    assertTrue(page.getJsonArray("items").stream().anyMatch(item -> before.equals(((JsonObject) item).getString("id"))));
    for (String refused : refusedTitles) {
      assertFalse(titles.contains(refused), () -> "a session answered 503 was stored after all: " + refused + " in " + titles);
    }
  }

  @Test
  @DisplayName("Redis frozen: rate-limited requests answer 503 within 2 s; they are served again after SIGCONT")
  void redisFrozen() {
    String session = http.newSession(token, null);
    List<ProcessHandle> redis = child.descendants()
        .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false)).toList();
    assertEquals(1, redis.size(), () -> "the child's embedded Redis: " + redis);
    long continued;
    signal("STOP", redis);
    try {
      for (int i = 0; i < TRIES; i++) {
        assertUnavailable(timed("GET /api/v1/agents", () -> http.get("/api/v1/agents", token)));
        assertUnavailable(timed("GET /api/v1/sessions/{id}/messages", () ->
            http.get("/api/v1/sessions/" + session + "/messages", token)));
      }
    } finally {
      signal("CONT", redis);
      continued = System.nanoTime();
    }
    recovers(continued, () -> http.get("/api/v1/agents", token), 200);
    recovers(continued, () -> http.get("/api/v1/sessions/" + session + "/messages", token), 200);
  }

  /** The postmaster (from its pid file: pg_ctl detaches it from the child) and every process it started. */
  private List<ProcessHandle> postgresProcesses() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
    assertNotNull(postmaster, "the child's embedded PostgreSQL runs");
    List<ProcessHandle> all = new ArrayList<>(Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList());
    assertTrue(all.size() > 1, "the postmaster and its backends");
    return all;
  }

  private static void signal(String signal, List<ProcessHandle> processes) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    processes.forEach(p -> command.add(Long.toString(p.pid())));
    try {
      Process kill = new ProcessBuilder(command).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -" + signal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer, after checking it came within the bound (printed, for the operations figures). */
  private static HttpResponse<Buffer> timed(String what, Supplier<HttpResponse<Buffer>> request) {
    long sent = System.nanoTime();
    HttpResponse<Buffer> response = request.get();
    long millis = (System.nanoTime() - sent) / 1_000_000;
    System.out.println("frozen: " + what + " answered " + response.statusCode() + " in " + millis + " ms");
    assertTrue(millis <= BOUND_MILLIS, () -> what + " answered " + response.statusCode() + " after " + millis + " ms");
    return response;
  }

  private static void assertUnavailable(HttpResponse<Buffer> response) {
    assertEquals(503, response.statusCode(), response::bodyAsString);
    assertNotNull(response.getHeader("Retry-After"), "Retry-After");
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
  }

  /** Polls until the request answers {@code status}; prints how long after SIGCONT that was. */
  private static void recovers(long continued, Supplier<HttpResponse<Buffer>> request, int status) {
    long deadline = continued + RECOVERY.toNanos();
    HttpResponse<Buffer> last = null;
    while (System.nanoTime() - deadline < 0) {
      last = request.get();
      if (last.statusCode() == status) {
        System.out.println("frozen: recovered " + (System.nanoTime() - continued) / 1_000_000 + " ms after SIGCONT");
        return;
      }
    }
    HttpResponse<Buffer> seen = last;
    throw new AssertionError("not recovered within " + RECOVERY + " of SIGCONT: " + (seen == null ? "no answer"
        : seen.statusCode() + " " + seen.bodyAsString()));
  }
}
