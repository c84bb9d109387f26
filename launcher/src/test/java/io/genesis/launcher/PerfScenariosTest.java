package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.CeilingServer;
import io.genesis.perf.cli.Args;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.genesis.perf.scenario.ConnectionsScenario;
import io.genesis.perf.scenario.JourneyScenario;
import io.genesis.perf.scenario.HttpTarget;
import io.genesis.perf.scenario.Scenario;
import io.genesis.perf.scenario.StreamingScenario;
import io.genesis.perf.scenario.Users;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("perf's streaming, journey and connections scenarios, run briefly against a real GENESIS")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PerfScenariosTest {
  @TempDir
  static Path dataDir;

  /** Replies stream at once. */
  private Genesis app;
  /** The offline coach pauses 200 ms between tokens: a reply stays open for seconds. */
  private Genesis paced;

  @BeforeAll
  void start() {
    app = TestApp.start(dataDir);
    paced = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "200"));
  }

  @AfterAll
  void stop() {
    paced.close();
    app.close();
  }

  /** Prepares {@code scenario} on the test thread (as perf's main does), runs it, and completes with its summary. */
  private static Future<JsonObject> run(Vertx vertx, Scenario scenario, String target, String... options) {
    List<String> all = new ArrayList<>(List.of("--target", target, "--warmup", "0"));
    all.addAll(List.of(options));
    Args args = Args.parse(all, Set.of("--quiet"));
    Scenario.Prepared prepared = scenario.prepare(vertx, args);
    args.rejectUnused();
    return prepared.run(point -> {});
  }

  private static String url(Genesis genesis) {
    return "http://127.0.0.1:" + genesis.httpPort();
  }

  private static void check(VertxTestContext ctx, Future<JsonObject> run, Consumer<JsonObject> checks) {
    run.onComplete(ctx.succeeding(summary -> ctx.verify(() -> {
      checks.accept(summary);
      ctx.completeNow();
    })));
  }

  private static JsonObject latency(JsonObject summary, String name) {
    JsonObject stats = summary.getJsonObject("latency").getJsonObject(name);
    assertNotNull(stats, "no latency for " + name + ": " + summary.getJsonObject("latency").fieldNames());
    return stats;
  }

  private static JsonObject value(JsonObject summary, String name) {
    JsonObject stats = summary.getJsonObject("values").getJsonObject(name);
    assertNotNull(stats, "no value " + name + ": " + summary.getJsonObject("values").fieldNames());
    return stats;
  }

  /** No error anywhere, every started iteration finished, and {@code name} has {@code count} requests. */
  private static void clean(JsonObject summary, String name, long count) {
    assertEquals(0, latency(summary, "all").getLong("errors"), () -> summary.getJsonObject("latency").encodePrettily());
    assertEquals(null, summary.getValue("failedIterations"), summary::encodePrettily);
    assertEquals(0, summary.getInteger("unfinished"));
    assertEquals(count, latency(summary, name).getLong("count"), name);
  }

  /** Time to first token came with every stream, and is never longer than the whole stream. */
  private static void ttftWithin(JsonObject summary, String name) {
    JsonObject stream = latency(summary, name);
    JsonObject ttft = value(summary, "ttft");
    assertEquals(stream.getLong("count"), ttft.getLong("count"));
    assertTrue(ttft.getDouble("p50") <= stream.getDouble("p50"), () -> ttft + " vs " + stream);
    assertTrue(ttft.getDouble("max") <= stream.getDouble("max"), () -> ttft + " vs " + stream);
  }

  @Test
  @DisplayName("streaming over SSE, closed model: every iteration streams a reply; ttft ≤ the stream; streams held = users")
  void streamingSse(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new StreamingScenario(), url(app), "--vus", "3", "--iterations", "30", "--users", "3"), summary -> {
      clean(summary, "stream", 30);
      ttftWithin(summary, "stream");
      assertTrue(value(summary, "deltas").getDouble("min") > 1);
      value(summary, "tokensPerSecond");
      JsonObject result = summary.getJsonObject("result");
      assertEquals(3, result.getInteger("streamsHeldMax"));
      assertEquals(15, result.getJsonObject("seeds").getInteger("concurrentConversations"));
      assertEquals("sse", result.getString("transport"));
    });
  }

  @Test
  @DisplayName("streaming over WebSockets, open model: two sockets carry all 40 scheduled messages, 8 in flight each at most")
  void streamingWebSocket(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new StreamingScenario(), url(app), "--transport", "ws", "--rate", "40", "--duration", "1s",
        "--users", "2"), summary -> {
      assertEquals(40, summary.getLong("scheduled"));
      clean(summary, "stream", 40);
      ttftWithin(summary, "stream");
      JsonObject figures = summary.getJsonObject("figures");
      assertEquals(2, figures.getInteger("sockets"));
      assertEquals(0L, figures.getLong("reconnects"));
      assertTrue(figures.getInteger("streamsOpenMax") >= 1, "streams that started answering were counted");
      assertEquals("ws", summary.getJsonObject("result").getString("transport"));
    });
  }

  /**
   * No error; {@code chosen} streams (all of them, or the share the rate chose) were cut and resumed or ended
   * before their cut; each resumed one added up and has a resume latency.
   */
  private static void resumedAndVerified(JsonObject summary, long streams, boolean all) {
    clean(summary, "stream", streams);
    JsonObject figures = summary.getJsonObject("figures");
    long resumed = figures.getLong("resumed");
    long chosen = resumed + figures.getLong("endedBeforeCut");
    assertTrue(resumed > 0, figures::encodePrettily);
    assertTrue(all ? chosen == streams : chosen < streams, figures::encodePrettily);
    assertEquals(resumed, figures.getLong("verified"), figures::encodePrettily);
    assertEquals(0L, figures.getLong("mismatched"));
    assertEquals(resumed, value(summary, "resume").getLong("count"));
    assertTrue(value(summary, "resume").getDouble("max") <= latency(summary, "stream").getDouble("max"));
  }

  @Test
  @DisplayName("streaming --reconnect-rate 1 over SSE: each stream cut after k deltas, resumed with Last-Event-ID, equal to done")
  void streamingResumedSse(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new StreamingScenario(), url(paced), "--vus", "4", "--iterations", "4", "--users", "4",
        "--reconnect-rate", "1"), summary -> resumedAndVerified(summary, 4, true));
  }

  @Test
  @DisplayName("streaming --reconnect-rate 0.5 over WebSockets, one user on every socket: request ids never repeat, cut streams resume")
  void streamingResumedWebSocket(Vertx vertx, VertxTestContext ctx) {
    HttpTarget http = new HttpTarget(vertx, URI.create(url(app)), 4, Duration.ofSeconds(10));
    Future<JsonObject> run = Users.token(http, "perf-shared-" + System.nanoTime(), null).compose(user -> run(vertx,
        new StreamingScenario(), url(app), "--transport", "ws", "--rate", "40", "--duration", "1s", "--users", "3",
        "--token", user.token(), "--reconnect-rate", "0.5"));
    check(ctx, run.andThen(done -> http.close()), summary -> {
      assertEquals(0L, summary.getJsonObject("figures").getLong("reconnects"));
      resumedAndVerified(summary, 40, false);
    });
  }

  @Test
  @DisplayName("streaming --transport openai streams GENESIS's stateless /v1/chat/completions, model = the agent")
  void streamingOpenAi(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new StreamingScenario(), url(app), "--transport", "openai", "--agent", "sage", "--vus", "2",
        "--iterations", "12", "--users", "2"), summary -> {
      clean(summary, "stream", 12);
      ttftWithin(summary, "stream");
      assertTrue(value(summary, "deltas").getDouble("min") > 1);
      assertEquals("openai", summary.getJsonObject("result").getString("transport"));
    });
  }

  @Test
  @DisplayName("streaming --against upstream reads an OpenAI stream: each of the fake's 12 tokens is a delta")
  void streamingUpstream(Vertx vertx, VertxTestContext ctx) {
    FakeUpstreamOptions fast = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(12);
    check(ctx, FakeUpstream.start(vertx, fast).compose(fake -> run(vertx, new StreamingScenario(), fake.baseUrl(),
        "--against", "upstream", "--vus", "2", "--iterations", "10").eventually(fake::close)), summary -> {
      clean(summary, "stream", 10);
      ttftWithin(summary, "stream");
      assertEquals(12.0, value(summary, "deltas").getDouble("min"));
      assertEquals(12.0, value(summary, "deltas").getDouble("max"));
    });
  }

  @Test
  @DisplayName("streaming --against ceiling reads the ceiling's bare SSE route: 60 deltas each")
  void streamingCeiling(Vertx vertx, VertxTestContext ctx) throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Future<String> ceiling = vertx.deployVerticle(new CeilingServer(), new DeploymentOptions().setConfig(new JsonObject().put("port", port)));
    check(ctx, ceiling.compose(id -> run(vertx, new StreamingScenario(), "http://127.0.0.1:" + port,
        "--against", "ceiling", "--vus", "2", "--iterations", "10").eventually(() -> vertx.undeploy(id))), summary -> {
      clean(summary, "stream", 10);
      assertEquals(60.0, value(summary, "deltas").getDouble("min"));
    });
  }

  @Test
  @DisplayName("journey at 4 visits/s for 2 s: 8 visits, each a token, the agents, a session, 2 messages with their history, the sessions")
  void journey(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new JourneyScenario(), url(app), "--rate", "4", "--duration", "2s", "--messages", "2",
        "--think", "10ms"), summary -> {
      assertEquals(8, summary.getLong("scheduled"));
      clean(summary, "token", 8);
      for (String step : List.of("agents", "session", "sessions")) {
        assertEquals(8, latency(summary, step).getLong("count"), step);
      }
      assertEquals(16, latency(summary, "message").getLong("count"));
      assertEquals(16, latency(summary, "history").getLong("count"));
      assertEquals(16, value(summary, "ttft").getLong("count"));
      assertEquals(8, value(summary, "visit").getLong("count"));
      assertTrue(value(summary, "visit").getDouble("min") >= 70, "seven pauses of 10 ms, and the steps");
      assertEquals(8, summary.getJsonObject("result").getJsonObject("visits").getLong("completed"));
    });
  }

  @Test
  @DisplayName("connections over WebSockets: 50 held to the end, none failed or closed, 2 of them chatting; memory per connection")
  void connectionsWebSocket(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new ConnectionsScenario(), url(app), "--held", "50", "--open-rate", "500", "--active", "2",
        "--hold", "2s", "--users", "5", "--server-pid", String.valueOf(ProcessHandle.current().pid())), summary -> {
      JsonObject result = summary.getJsonObject("result");
      assertEquals(50, result.getInteger("opened"), result::encodePrettily);
      assertEquals(50, result.getInteger("heldMax"));
      assertEquals(50, result.getInteger("heldAtEnd"));
      assertEquals(0, result.getJsonObject("failedOpens").getLong("count"));
      assertEquals(0, result.getJsonObject("closedByServer").getLong("count"));
      assertEquals(50, latency(summary, "connect").getLong("count"));
      assertEquals(0, latency(summary, "connect").getLong("errors"));
      assertTrue(latency(summary, "message").getLong("count") > 0);
      assertEquals(0, latency(summary, "message").getLong("errors"));
      ttftWithin(summary, "message");
      assertNotNull(result.getJsonObject("serverMemory").getDouble("perConnectionKb"), result::encodePrettily);
    });
  }

  @Test
  @DisplayName("connections over SSE: 20 slow replies held open at once until the end, none failed or cut")
  void connectionsSse(Vertx vertx, VertxTestContext ctx) {
    check(ctx, run(vertx, new ConnectionsScenario(), url(paced), "--transport", "sse", "--held", "20", "--open-rate", "400",
        "--active", "0", "--hold", "1s", "--users", "4"), summary -> {
      JsonObject result = summary.getJsonObject("result");
      assertEquals(20, result.getInteger("heldMax"), result::encodePrettily);
      assertEquals(20, result.getInteger("heldAtEnd"));
      assertEquals(0, result.getJsonObject("failedOpens").getLong("count"));
      assertEquals(0, result.getJsonObject("closedByServer").getLong("count"));
      assertEquals(0, result.getLong("finishedDuringHold"));
      assertEquals(20, latency(summary, "connect").getLong("count"));
    });
  }
}
