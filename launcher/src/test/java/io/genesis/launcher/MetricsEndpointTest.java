package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Metrics: /metrics, /performance/*, the operator port, and the dashboard and alert rules against real metrics")
class MetricsEndpointTest {
  private static final Path OPS = Path.of("..", "ops");
  private static final Map<String, String> SSE = Map.of("Content-Type", "application/json", "Accept", "text/event-stream");
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json", "Accept", "application/json");
  /** Series Prometheus itself makes, not the target. */
  private static final Set<String> SYNTHETIC = Set.of("up");

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private Genesis genesis;
  private FakeUpstream fake;
  private final List<Genesis> alone = new ArrayList<>();

  @BeforeEach
  void client() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    alone.forEach(Genesis::close);
    if (genesis != null) {
      genesis.close();
    }
    Await.result(vertx.close(), Duration.ofSeconds(10));
  }

  /** GENESIS with a model upstream (so the HTTP client and the breaker have metrics) and an operator port. */
  private Http start(Map<String, String> extra) {
    return start(extra, FakeUpstreamOptions.defaults().withTtftMillis(2).withTokensPerSecond(0).withTokens(8));
  }

  private Http start(Map<String, String> extra, FakeUpstreamOptions upstream) {
    fake = Await.result(FakeUpstream.start(vertx, upstream), Duration.ofSeconds(10));
    Map<String, String> env = new HashMap<>(extra);
    env.put("GENESIS_MODEL_BASE_URL", fake.baseUrl());
    env.put("GENESIS_MODEL_NAME", "coach-7b");
    env.putIfAbsent("GENESIS_METRICS_PORT", "0");
    genesis = TestApp.start(dataDir, env);
    return new Http(vertx, genesis.httpPort());
  }

  private static String token(Http http, String userId, String... roles) {
    HttpResponse<Buffer> minted = http.post("/api/v1/auth/dev-token", null,
        new JsonObject().put("userId", userId).put("roles", new JsonArray(List.of((Object[]) roles))));
    assertEquals(200, minted.statusCode(), minted.bodyAsString());
    return minted.bodyAsJsonObject().getString("token");
  }

  /** A bit of everything a user does: agents, sessions, streamed and JSON messages, history, a 404, a WebSocket turn. */
  private List<String> traffic(Http http, String token) {
    List<String> requestIds = new ArrayList<>();
    requestIds.add(http.get("/api/v1/agents", token).getHeader("X-Request-Id"));
    String session = http.newSession(token, "blaze");
    String path = "/api/v1/sessions/" + session + "/messages";
    HttpResponse<Buffer> streamed = http.send(HttpMethod.POST, path, token,
        new JsonObject().put("content", "How do I squat deeper?").toBuffer(), SSE);
    assertEquals(200, streamed.statusCode());
    requestIds.add(streamed.getHeader("X-Request-Id"));
    HttpResponse<Buffer> whole = http.send(HttpMethod.POST, path, token,
        new JsonObject().put("content", "I feel stressed before exams, can we talk about sleep?").toBuffer(), JSON);
    assertEquals(201, whole.statusCode(), whole.bodyAsString());
    requestIds.add(whole.getHeader("X-Request-Id"));
    assertEquals(200, http.get(path, token).statusCode());
    assertEquals(404, http.get("/api/v1/sessions/" + UUID.randomUUID(), token).statusCode());
    WebSocketClient sockets = vertx.createWebSocketClient();
    ChatClient chat = Await.result(ChatClient.connect(sockets, genesis.httpPort(), "/api/v1/ws", token), Duration.ofSeconds(10));
    chat.send(ChatClient.message("ws-1", session, "Plan my week of runs"));
    Await.result(chat.frame("done", "ws-1"), Duration.ofSeconds(30));
    Await.result(chat.close(), Duration.ofSeconds(10));
    return requestIds;
  }

  @Test
  @DisplayName("after real traffic, /metrics has every metric the Grafana dashboard and the alert rules use, per route template")
  void dashboardAndRulesUseOnlyRealMetrics() throws IOException {
    Http http = start(Map.of());
    traffic(http, token(http, "u-" + UUID.randomUUID(), "user"));

    HttpResponse<Buffer> scrape = http.get("/metrics", null);
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.getHeader("Content-Type").startsWith("text/plain"), scrape.getHeader("Content-Type"));
    String text = scrape.bodyAsString();
    Set<String> scraped = metricNames(text);

    Set<String> used = new TreeSet<>();
    List<String> dashboard = dashboardExpressions();
    List<String> rules = ruleExpressions();
    dashboard.forEach(expr -> used.addAll(metricsIn(expr)));
    int dashboardMetrics = used.size();
    rules.forEach(expr -> used.addAll(metricsIn(expr)));
    assertTrue(dashboardMetrics >= 20, "the dashboard uses " + used);
    Set<String> missing = used.stream().filter(name -> !scraped.contains(name) && !SYNTHETIC.contains(name))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), missing, "used by ops/ but absent from /metrics");
    List<Map<String, String>> series = series(text);
    List<String> unmatched = new ArrayList<>();
    for (String expr : concat(dashboard, rules)) {
      unmatched.addAll(selectorsWithoutSeries(expr, series));
    }
    assertEquals(List.of(), unmatched, "label selectors in ops/ that select nothing in /metrics");

    // Route templates, never raw paths with ids.
    assertTrue(text.contains("route=\"/api/v1/sessions/:sessionId/messages\""), "route template label");
    assertFalse(Pattern.compile("route=\"[^\"]*[0-9a-f]{8}-[0-9a-f]{4}-").matcher(text).find(), "a raw path leaked into a label");
    assertFalse(text.contains("genesis.gateway.stream.inbox.0"), "per-stream addresses are folded into one series");
    assertEquals(0.0, value(text, "genesis_streams_active"), "every stream ended");
    assertTrue(value(text, "genesis_tokens_streamed_total") >= 8, "tokens counted");
  }

  @Test
  @DisplayName("/performance/* answers admins with per-route percentiles, the slowest requests with stage timings, and cache ratios")
  void performanceEndpoints() {
    Http http = start(Map.of());
    String user = token(http, "u-" + UUID.randomUUID(), "user");
    List<String> requestIds = traffic(http, user);
    String admin = token(http, "ops-" + UUID.randomUUID(), "user", "admin");

    assertEquals(401, http.get("/performance/metrics", null).statusCode());
    HttpResponse<Buffer> forbidden = http.get("/performance/slow-requests", user);
    assertEquals(403, forbidden.statusCode());
    assertEquals("application/problem+json", forbidden.getHeader("Content-Type"));

    JsonObject metrics = http.get("/performance/metrics", admin).bodyAsJsonObject();
    JsonObject send = route(metrics.getJsonArray("routes"), "POST", "/api/v1/sessions/:sessionId/messages");
    assertEquals(2, send.getLong("requests"));
    assertTrue(send.getDouble("p50Ms") > 0 && send.getDouble("p50Ms") <= send.getDouble("p99Ms"), send.encode());
    JsonObject get = route(metrics.getJsonArray("routes"), "GET", "/api/v1/sessions/:sessionId");
    assertEquals(1.0, get.getDouble("clientErrorRate"), "the 404 is counted under its template: " + get.encode());
    assertTrue(metrics.getJsonArray("pools").stream().map(JsonObject.class::cast)
        .anyMatch(pool -> "genesis-session-pg".equals(pool.getString("name"))), metrics.getJsonArray("pools").encode());
    assertTrue(metrics.getJsonObject("eventBus").getLong("handlers") > 0);

    JsonArray slow = http.get("/performance/slow-requests?limit=50", admin).bodyAsJsonObject().getJsonArray("items");
    List<JsonObject> items = slow.stream().map(JsonObject.class::cast).toList();
    for (int i = 1; i < items.size(); i++) {
      assertTrue(items.get(i - 1).getDouble("durationMs") >= items.get(i).getDouble("durationMs"), "slowest first");
    }
    JsonObject streamed = items.stream().filter(item -> requestIds.get(1).equals(item.getString("requestId"))).findFirst()
        .orElseThrow(() -> new AssertionError("the streamed message is among the slow requests: " + slow.encode()));
    assertEquals("/api/v1/sessions/:sessionId/messages", streamed.getString("route"));
    JsonObject stages = streamed.getJsonObject("stages");
    assertTrue(stages.getDouble("modelMs") > 0 && stages.getDouble("dbMs") > 0, stages.encode());
    assertTrue(stages.getDouble("modelMs") + stages.getDouble("dbMs") + stages.getDouble("busMs") + stages.getDouble("authMs")
        <= streamed.getDouble("durationMs") + 0.1, "stages fit in the request: " + streamed.encode());
    assertFalse(slow.encode().contains("squat"), "no message content");
    HttpResponse<Buffer> badLimit = http.get("/performance/slow-requests?limit=0", admin);
    assertEquals(400, badLimit.statusCode());
    assertEquals("application/problem+json", badLimit.getHeader("Content-Type"));

    JsonObject caches = http.get("/performance/cache-analysis", admin).bodyAsJsonObject();
    assertEquals("answered", caches.getString("sessionService"));
    JsonObject sessionsL1 = caches.getJsonArray("caches").stream().map(JsonObject.class::cast)
        .filter(row -> "sessions".equals(row.getString("cache")) && "l1".equals(row.getString("layer"))).findFirst().orElseThrow();
    assertTrue(sessionsL1.getLong("hits") + sessionsL1.getLong("misses") > 0, sessionsL1.encode());
  }

  @Test
  @DisplayName("a stream the client hangs up on is counted and logged as 499; an invented HTTP method is one series, OTHER")
  void hangUpsAndOddMethods() {
    Http http = start(Map.of(), FakeUpstreamOptions.defaults().withTtftMillis(2).withTokensPerSecond(200).withTokens(2000));
    String token = token(http, "u-" + UUID.randomUUID(), "user");
    String admin = token(http, "ops-" + UUID.randomUUID(), "admin");
    String session = http.newSession(token, "blaze");
    SseClient sse = new SseClient(vertx, genesis.httpPort());
    Await.result(sse.hangUpAfterDeltas(vertx.createHttpClient(), token, session, "How do I squat deeper?", 3), Duration.ofSeconds(30));
    assertEquals(405, http.send(HttpMethod.valueOf("BREW"), "/api/v1/agents", token, null, Map.of()).statusCode());

    JsonObject send = null;
    for (int attempt = 0; attempt < 200 && (send == null || send.getLong("requests") < 1); attempt++) {
      JsonArray routes = http.get("/performance/metrics", admin).bodyAsJsonObject().getJsonArray("routes");
      send = routes.stream().map(JsonObject.class::cast).filter(r -> "POST".equals(r.getString("method"))
          && "/api/v1/sessions/:sessionId/messages".equals(r.getString("route"))).findFirst().orElse(null);
    }
    assertNotNull(send, "the abandoned stream is counted");
    assertEquals(1.0, send.getDouble("clientErrorRate"), send.encode());
    JsonArray routes = http.get("/performance/metrics", admin).bodyAsJsonObject().getJsonArray("routes");
    assertTrue(routes.stream().map(JsonObject.class::cast).anyMatch(r -> "OTHER".equals(r.getString("method"))), routes.encode());
    String metrics = http.get("/metrics", null).bodyAsString();
    assertFalse(metrics.contains("BREW"));
  }

  @Test
  @DisplayName("the operator port serves /metrics and /performance/* without a token")
  void operatorPort() {
    start(Map.of());
    Http operator = new Http(vertx, genesis.operatorPort());
    HttpResponse<Buffer> scrape = operator.get("/metrics", null);
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.bodyAsString().contains("jvm_memory_used_bytes"));
    assertEquals(200, operator.get("/performance/metrics", null).statusCode());
    assertEquals(200, operator.get("/performance/cache-analysis", null).statusCode());
    HttpResponse<Buffer> unknown = operator.get("/api/v1/agents", null);
    assertEquals(404, unknown.statusCode());
    assertEquals("application/problem+json", unknown.getHeader("Content-Type"));
  }

  @Test
  @DisplayName("a session service and an agent service deployed alone each expose their own metrics on the operator port")
  void servicesAloneExposeTheirOwn() {
    String pg = io.genesis.embedded.TestServices.get().pgUrl();
    String redis = io.genesis.embedded.TestServices.get().redisUrl();
    // Alone, a session service keeps serving for the shutdown grace when stopped: none here.
    Genesis session = Genesis.start(TestApp.config(dataDir.resolve("s"), pg, redis, Map.of("GENESIS_SHUTDOWN_GRACE", "0s")),
        Set.of(Service.SESSION), false);
    alone.add(session);
    Genesis agent = Genesis.start(TestApp.config(dataDir.resolve("a"), pg, redis), Set.of(Service.AGENT), false);
    alone.add(agent);
    String sessionMetrics = new Http(vertx, session.operatorPort()).get("/metrics", null).bodyAsString();
    assertTrue(sessionMetrics.contains("genesis_cache_requests_total"), "session caches");
    assertTrue(sessionMetrics.contains("pool_name=\"genesis-session-pg\""), "the PostgreSQL pool");
    assertFalse(sessionMetrics.contains("genesis_agent_streams_active"));
    String agentMetrics = new Http(vertx, agent.operatorPort()).get("/metrics", null).bodyAsString();
    assertTrue(agentMetrics.contains("genesis_agent_streams_active"), "agent streams");
    assertFalse(agentMetrics.contains("genesis_cache_requests_total"));
  }

  @Test
  @DisplayName("GENESIS_METRICS=false: no registry, /metrics is a 404 problem, the API works as before")
  void metricsOff() {
    Http http = start(Map.of("GENESIS_METRICS", "false"));
    HttpResponse<Buffer> scrape = http.get("/metrics", null);
    assertEquals(404, scrape.statusCode());
    assertEquals("application/problem+json", scrape.getHeader("Content-Type"));
    String token = token(http, "u-" + UUID.randomUUID(), "user");
    assertEquals(200, http.get("/api/v1/agents", token).statusCode());
    JsonObject metrics = http.get("/performance/metrics", token(http, "ops", "admin")).bodyAsJsonObject();
    assertFalse(metrics.getBoolean("metricsEnabled"));
  }

  @Test
  @DisplayName("metric names are read out of PromQL: not functions, keywords, labels, ranges or numbers")
  void promqlNames() {
    assertEquals(Set.of("vertx_http_server_response_time_seconds_bucket"), metricsIn(
        "histogram_quantile(0.95, sum by (le, route) (rate(vertx_http_server_response_time_seconds_bucket{route!~\"/a|/b\"}[5m]))) > 0.25"));
    assertEquals(Set.of("a_total", "b_total", "up"), metricsIn(
        "sum(rate(a_total{code=~\"5..\"}[$__rate_interval])) / clamp_min(sum(b_total), 1e-9) and on (instance) up == 0"));
  }

  @Test
  @DisplayName("a selector is checked against the series: a wrong label name or a value no series has is reported")
  void selectorCheck() {
    List<Map<String, String>> series = series("vertx_pool_ratio{pool_name=\"genesis-session-pg\",pool_type=\"sql\"} 0.0\n");
    assertEquals(List.of(), selectorsWithoutSeries("max(vertx_pool_ratio{pool_type=~\"sql|redis\", pool_name!~\".*subscriber\"})", series));
    assertEquals(List.of("vertx_pool_ratio{type=\"sql\"}"), selectorsWithoutSeries("vertx_pool_ratio{type=\"sql\"}", series));
    assertEquals(List.of("vertx_pool_ratio{pool_type=~\"pg\"}"), selectorsWithoutSeries("vertx_pool_ratio{pool_type=~\"pg\"}", series));
  }

  private static JsonObject route(JsonArray routes, String method, String template) {
    return routes.stream().map(JsonObject.class::cast)
        .filter(r -> method.equals(r.getString("method")) && template.equals(r.getString("route"))).findFirst()
        .orElseThrow(() -> new AssertionError(method + " " + template + " not in " + routes.encode()));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
  private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  /** Labels Prometheus adds, and status codes, whose values appear only once such answers happen. */
  private static final Set<String> UNCHECKED_LABELS = Set.of("instance", "job", "code");

  /**
   * Each {@code metric{matchers}} of an expression that no scraped series satisfies: a label name the
   * metric does not have, or a value ({@code =}, {@code =~}) none of its series has.
   */
  static List<String> selectorsWithoutSeries(String expr, List<Map<String, String>> series) {
    List<String> unmatched = new ArrayList<>();
    Matcher selector = SELECTOR.matcher(expr);
    while (selector.find()) {
      String name = selector.group(1);
      List<Map<String, String>> ofMetric = series.stream().filter(s -> name.equals(s.get("__name__"))).toList();
      Matcher m = MATCHER.matcher(selector.group(2));
      while (m.find()) {
        String label = m.group(1);
        String op = m.group(2);
        String value = m.group(3);
        if (UNCHECKED_LABELS.contains(label) || value.contains("$")) {
          continue;
        }
        boolean hasLabel = ofMetric.stream().anyMatch(s -> s.containsKey(label));
        boolean positive = op.equals("=") || op.equals("=~");
        boolean matched = !positive || ofMetric.stream().anyMatch(s -> s.containsKey(label)
            && (op.equals("=") ? value.equals(s.get(label)) : s.get(label).matches(value)));
        if (!hasLabel || !matched) {
          unmatched.add(name + "{" + label + op + "\"" + value + "\"}");
        }
      }
    }
    return unmatched;
  }

  /** Every sample's labels, with its name under {@code __name__}. */
  static List<Map<String, String>> series(String exposition) {
    List<Map<String, String>> all = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      int brace = line.indexOf('{');
      labels.put("__name__", line.substring(0, brace >= 0 ? brace : line.indexOf(' ')));
      if (brace >= 0) {
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      all.add(labels);
    }
    return all;
  }

  /** Names of the samples in a Prometheus text exposition. */
  static Set<String> metricNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
      }
    }
    return names;
  }

  /** The sum of a metric's samples. */
  private static double value(String exposition, String name) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static final Pattern LABELS = Pattern.compile("\\{[^}]*}");
  private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?=\\s*(\\(?))");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
      "ignoring", "group_left", "group_right", "inf", "nan");

  /** The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels. */
  static Set<String> metricsIn(String expr) {
    String bare = LABELS.matcher(expr).replaceAll(" ");
    bare = GROUPING.matcher(bare).replaceAll(" ");
    bare = RANGE.matcher(bare).replaceAll(" ").replaceAll("\\$\\w+", " ").replaceAll("\"[^\"]*\"", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group();
      boolean function = !m.group(1).isEmpty();
      boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
      if (!function && !partOfNumber && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  private static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(OPS.resolve("grafana/genesis.json")));
    List<String> exprs = new ArrayList<>();
    dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(target -> exprs.add(target.get("expr").asText())));
    dashboard.get("templating").get("list").forEach(variable -> {
      JsonNode query = variable.get("query");
      if (query != null && query.asText().startsWith("label_values(")) {
        exprs.add(query.asText().replaceAll("label_values\\(([^,]+),.*", "$1"));
      }
    });
    assertFalse(exprs.isEmpty());
    return exprs;
  }

  private static List<String> ruleExpressions() throws IOException {
    JsonNode rules = new YAMLMapper().readTree(OPS.resolve("prometheus/alerts.yml").toFile());
    List<String> exprs = new ArrayList<>();
    Set<String> alerts = new TreeSet<>();
    rules.get("groups").forEach(group -> group.get("rules").forEach(rule -> {
      exprs.add(rule.get("expr").asText());
      alerts.add(rule.get("alert").asText());
    }));
    assertTrue(alerts.containsAll(Set.of("GenesisLatencyP95High", "GenesisErrorRateHigh", "GenesisCacheHitRatioLow",
        "GenesisCircuitBreakerOpen", "GenesisPoolExhausted", "GenesisInstanceDown")), alerts.toString());
    return exprs;
  }
}
