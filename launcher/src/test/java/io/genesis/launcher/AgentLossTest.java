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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * A {@code kill -9} of an agent service while it streams replies, in four JVMs as an operator deploys them
 * ({@code serve … --cluster} on loopback, one PostgreSQL and one Redis): a gateway, two agent services and a
 * session service, the offline coach slowed so that a reply lasts several seconds.
 */
@DisplayName("Cluster: an agent service killed mid-reply, with another one left and then with none")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentLossTest {
  private static final Duration START = Duration.ofSeconds(150);
  /** The issue's bound is "errors stop within 5 s"; the cluster notices a death in about 2 s, the gateway gives up 1 s later at most. */
  private static final long ERROR_BOUND_MILLIS = 4_000;
  private static final String STREAMS_OPENED = "vertx_eventbus_processed_total{address=\"genesis.agent.stream\"}";
  private static final int STREAMS = 6;
  private static final String GATEWAY_OPENS = "address=\"genesis.agent.stream\"";

  @TempDir
  static Path workDir;

  private final Map<String, String> env = new HashMap<>();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final int[] hazelcastPorts = IntStream.range(0, 4).map(i -> ClusterNode.freePort()).toArray();
  private ClusterNode gateway;
  private final List<ClusterNode> agents = new ArrayList<>();
  private Vertx vertx;
  private WebClient web;
  private HttpClient http;
  private Tokens tokens;
  private String token;

  @BeforeAll
  void start() {
    TestServices.Urls urls = TestServices.get();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    env.put("GENESIS_PG_URL", urls.pgUrl());
    env.put("GENESIS_REDIS_URL", urls.redisUrl());
    env.put("GENESIS_JWT_SECRET", TestApp.SECRET);
    env.put("GENESIS_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
    env.put("GENESIS_OFFLINE_TOKEN_DELAY_MS", "100");
    // Only these members, on ports free right now: the test joins no other cluster on this machine.
    env.put("GENESIS_CLUSTER_MEMBERS", IntStream.of(hazelcastPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.put("GENESIS_HTTP_PORT", "0");
    ClusterNode session = node("session", "session-service", 0);
    agents.add(node("agent-1", "agent-service", 1));
    agents.add(node("agent-2", "agent-service", 2));
    gateway = node("gateway", "gateway", 3);
    session.awaitReady(START);
    agents.forEach(agent -> agent.awaitReady(START));
    gateway.awaitReady(START);
    vertx = Vertx.vertx();
    web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setIdleTimeout(30),
        new PoolOptions().setHttp1MaxSize(50));
    http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(50));
    tokens = new Tokens(vertx, TestApp.SECRET);
    token = tokens.issue("agent-loss-" + UUID.randomUUID(), List.of("user"), 3600).token();
    eventually(Duration.ofSeconds(60), () -> get("/health/ready").statusCode() == 200,
        () -> "the gateway never saw every service: " + get("/health/ready").bodyAsString());
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
  @DisplayName("Its streams end with a 503 error within 4 s, stored partial as streamed; the others end with done; the survivor serves new messages")
  void oneOfTwoKilled() {
    Map<ClusterNode, Long> openedBefore = opened();
    List<Stream> streams = IntStream.range(0, STREAMS).mapToObj(i -> new Stream(session())).toList();
    eventually(Duration.ofSeconds(30), () -> streams.stream().allMatch(s -> s.deltas() >= 2),
        () -> "the replies never got going: " + streams.stream().map(Stream::names).toList());
    Map<ClusterNode, Long> serving = new HashMap<>();
    opened().forEach((agent, count) -> serving.put(agent, count - openedBefore.get(agent)));
    assertEquals(STREAMS, serving.values().stream().mapToLong(Long::longValue).sum(), "every stream opened once: " + serving);
    // The one serving more (both serve some, as the bus takes them in turn): at least one stream is cut.
    ClusterNode victim = serving.get(agents.get(0)) >= serving.get(agents.get(1)) ? agents.get(0) : agents.get(1);
    ClusterNode survivor = victim == agents.get(0) ? agents.get(1) : agents.get(0);
    assertTrue(streams.stream().noneMatch(Stream::ended), "a reply lasts longer than the set-up: " + streams);
    long killed = System.nanoTime();
    victim.kill();
    Await.result(Future.all(streams.stream().map(s -> s.ended.future()).toList()), Duration.ofSeconds(30));

    List<Stream> cut = streams.stream().filter(s -> s.last().name().equals("error")).toList();
    List<Stream> finished = streams.stream().filter(s -> s.last().name().equals("done")).toList();
    List<Long> cutAfterMillis = cut.stream().map(s -> (s.endedNanos - killed) / 1_000_000).sorted().toList();
    System.out.printf("AgentLossTest one of two killed: %d streams, %d on the killed agent; error events %s ms after the kill; %d done%n",
        STREAMS, serving.get(victim), cutAfterMillis, finished.size());
    assertEquals(serving.get(victim).intValue(), cut.size(), "each stream of the killed agent ends with an error: " + streams);
    assertEquals(STREAMS - cut.size(), finished.size(), "each other stream ends with done: " + streams);
    for (Stream stream : cut) {
      JsonObject problem = stream.last().data();
      assertEquals(503, problem.getInteger("status"), problem.encode());
      assertEquals(1, problem.getInteger("retryAfterSeconds"), problem.encode());
      assertTrue((stream.endedNanos - killed) / 1_000_000 <= ERROR_BOUND_MILLIS, "error " + cutAfterMillis + " ms after the kill");
      JsonObject stored = agentMessage(stream.sessionId);
      assertEquals(true, stored.getBoolean("partial"), stored.encode());
      assertEquals(stream.deltaText(), stored.getString("content"), "stored as far as it was streamed");
    }
    for (Stream stream : finished) {
      JsonObject stored = agentMessage(stream.sessionId);
      assertEquals(false, stored.getBoolean("partial", false), stored.encode());
      assertEquals(stream.deltaText(), stored.getString("content"), "stored as streamed");
    }

    long survivorBefore = opened(survivor);
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> answer = message(session(), "and now?");
      assertEquals(201, answer.statusCode(), answer.bodyAsString());
    }
    assertEquals(survivorBefore + 3, opened(survivor), "the survivor answers every new message");
  }

  @Test
  @Order(2)
  @DisplayName("The last one frozen then killed: its streams (SSE, WebSocket, chat completion), a JSON message in flight and the replies it was asked to open end with a 503 within 4 s, then a message gets a fast 503 naming it")
  void lastOneKilled() {
    ClusterNode last = agents.stream().filter(ClusterNode::isAlive).findFirst().orElseThrow();
    agents.stream().filter(agent -> agent != last).forEach(ClusterNode::kill); // already, after the test before
    List<Stream> streams = IntStream.range(0, 2).mapToObj(i -> new Stream(session())).toList();
    Live socket = Live.webSocket(vertx, gateway.httpPort(), token, session());
    Live completion = Live.completion(http, gateway.httpPort(), token);
    List<Live> others = List.of(socket, completion);
    String jsonSession = session();
    long[] jsonEnded = {0};
    Future<HttpResponse<Buffer>> json = web.post(gateway.httpPort(), "127.0.0.1", "/api/v1/sessions/" + jsonSession + "/messages")
        .bearerTokenAuthentication(token).timeout(30_000).sendJsonObject(new JsonObject().put("content", "how far today?"))
        .onComplete(done -> jsonEnded[0] = System.nanoTime());
    eventually(Duration.ofSeconds(30), () -> streams.stream().allMatch(s -> s.deltas() >= 2) && others.stream().allMatch(l -> l.deltas() >= 2),
        () -> "the replies never got going: " + streams.stream().map(Stream::names).toList() + " " + others);
    assertTrue(!json.isComplete() && streams.stream().noneMatch(Stream::ended) && others.stream().noneMatch(Live::ended),
        "the replies last longer than the set-up");
    // Frozen, it takes requests to open replies without answering them; killed, it never will.
    List<String> waiting = List.of(session(), session());
    last.pause();
    double opensBefore = gatewayOpens();
    List<Future<HttpResponse<Buffer>>> opening = new ArrayList<>();
    long[] openingEnded = new long[2];
    for (String accept : List.of("text/event-stream", "application/json")) {
      int index = opening.size();
      opening.add(web.post(gateway.httpPort(), "127.0.0.1", "/api/v1/sessions/" + waiting.get(index) + "/messages")
          .bearerTokenAuthentication(token).putHeader("Accept", accept).timeout(30_000)
          .sendJsonObject(new JsonObject().put("content", "still there?"))
          .onComplete(done -> openingEnded[index] = System.nanoTime()));
    }
    eventually(Duration.ofSeconds(10), () -> gatewayOpens() >= opensBefore + 2, () -> "the gateway never asked to open the replies");
    long killed = System.nanoTime();
    last.kill();
    Await.result(Future.all(streams.stream().map(s -> s.ended.future()).toList()), Duration.ofSeconds(30));
    Await.result(Future.all(others.stream().map(Live::ending).toList()), Duration.ofSeconds(30));
    HttpResponse<Buffer> jsonAnswer = Await.result(json, Duration.ofSeconds(30));

    List<Long> cutAfterMillis = streams.stream().map(s -> (s.endedNanos - killed) / 1_000_000).sorted().toList();
    long jsonAfterMillis = (jsonEnded[0] - killed) / 1_000_000;
    List<Long> openingAfterMillis = new ArrayList<>();
    for (Stream stream : streams) {
      assertEquals("error", stream.last().name(), stream.names().toString());
      assertEquals(503, stream.last().data().getInteger("status"));
      assertTrue((stream.endedNanos - killed) / 1_000_000 <= ERROR_BOUND_MILLIS, "error " + cutAfterMillis + " ms after the kill");
    }
    List<Long> othersAfterMillis = others.stream().map(l -> (l.endedNanos - killed) / 1_000_000).toList();
    assertEquals("error", socket.last(), socket.toString());
    assertTrue(socket.text().contains("\"status\":503") && socket.text().contains("\"retryAfterSeconds\":1"), socket.toString());
    assertEquals("error", completion.last(), completion.toString());
    assertTrue(completion.text().contains("\"type\":\"service_unavailable\""), completion.toString());
    assertTrue(othersAfterMillis.stream().allMatch(ms -> ms <= ERROR_BOUND_MILLIS), "WebSocket, chat completion ended "
        + othersAfterMillis + " ms after the kill");
    JsonObject socketStored = agentMessage(socket.sessionId);
    assertEquals(true, socketStored.getBoolean("partial"), socketStored.encode());
    assertEquals(socket.deltaText(), socketStored.getString("content"), "stored as far as it was sent");
    assertEquals(503, jsonAnswer.statusCode(), jsonAnswer.bodyAsString());
    assertEquals("1", jsonAnswer.getHeader("Retry-After"));
    assertTrue(jsonAfterMillis <= ERROR_BOUND_MILLIS, "JSON answered " + jsonAfterMillis + " ms after the kill");
    for (int i = 0; i < opening.size(); i++) {
      HttpResponse<Buffer> answer = Await.result(opening.get(i), Duration.ofSeconds(30));
      assertEquals(503, answer.statusCode(), answer.bodyAsString());
      assertEquals("1", answer.getHeader("Retry-After"));
      openingAfterMillis.add((openingEnded[i] - killed) / 1_000_000);
    }
    assertTrue(openingAfterMillis.stream().allMatch(ms -> ms <= ERROR_BOUND_MILLIS), "opening answered " + openingAfterMillis + " ms after the kill");
    // A JSON reply's text stays on the agent service until its end, so none reached the gateway: none is stored.
    JsonObject newest = get("/api/v1/sessions/" + jsonSession + "/messages").bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals("user", newest.getString("role"), newest.encode());

    // Once the cluster has forgotten it: at once, naming the service.
    List<Long> answerMillis = new ArrayList<>();
    String session = jsonSession; // creating one asks the agent service too
    eventually(Duration.ofSeconds(10), () -> {
      long sent = System.nanoTime();
      HttpResponse<Buffer> answer = message(session, "anyone there?");
      answerMillis.add((System.nanoTime() - sent) / 1_000_000);
      assertEquals(503, answer.statusCode(), answer.bodyAsString());
      assertEquals("1", answer.getHeader("Retry-After"));
      return answer.bodyAsJsonObject().getString("detail", "").contains("agent-service is not available");
    }, () -> "never a 503 naming the agent service: " + answerMillis);
    System.out.printf("AgentLossTest last one killed: SSE error events %s ms after the kill, WebSocket error frame and chat completion error chunk %s ms after, "
        + "JSON 503 %d ms after, replies it was asked to open (SSE, JSON) 503 %s ms after; then messages answered 503 in %s ms%n",
        cutAfterMillis, othersAfterMillis, jsonAfterMillis, openingAfterMillis, answerMillis);
    assertTrue(answerMillis.stream().allMatch(ms -> ms <= ERROR_BOUND_MILLIS), "each 503 within 4 s: " + answerMillis);
  }

  /** One SSE reply in a session of its own: its events, and when its last came. */
  private final class Stream {
    final String sessionId;
    final Promise<Void> ended = Promise.promise();
    final StringBuilder body = new StringBuilder();
    volatile long endedNanos;

    Stream(String sessionId) {
      this.sessionId = sessionId;
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gateway.httpPort())
          .setURI("/api/v1/sessions/" + sessionId + "/messages")
          .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
          .putHeader("Accept", "text/event-stream");
      http.request(options)
          .compose(request -> request.send(new JsonObject().put("content", "plan my week of runs").toBuffer()))
          .onFailure(ended::tryFail)
          .onSuccess(response -> {
            response.handler(chunk -> {
              synchronized (body) {
                body.append(chunk.toString());
              }
              if (endedNanos == 0 && (chunk.toString().contains("event: done") || chunk.toString().contains("event: error"))) {
                endedNanos = System.nanoTime();
              }
            });
            response.endHandler(end -> ended.tryComplete());
            response.exceptionHandler(ended::tryFail);
          });
    }

    SseEvents events() {
      synchronized (body) {
        return SseEvents.parse(body.toString());
      }
    }

    int deltas() {
      return events().named("delta").size();
    }

    boolean ended() {
      return endedNanos != 0;
    }

    List<String> names() {
      return events().names();
    }

    SseEvents.Event last() {
      List<SseEvents.Event> all = events().events();
      return all.get(all.size() - 1);
    }

    String deltaText() {
      return events().deltaText();
    }

    @Override
    public String toString() {
      return sessionId + " " + names();
    }
  }

  /** A reply over the chat WebSocket or {@code /v1/chat/completions}: what came, and when it ended. */
  private static final class Live {
    final String kind;
    final String sessionId;
    final Promise<Void> ended = Promise.promise();
    final List<String> received = new ArrayList<>();
    volatile long endedNanos;
    volatile String last;

    private Live(String kind, String sessionId) {
      this.kind = kind;
      this.sessionId = sessionId;
    }

    static Live webSocket(Vertx vertx, int port, String token, String sessionId) {
      Live live = new Live("websocket", sessionId);
      vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/api/v1/ws").addHeader("Authorization", "Bearer " + token))
          .onFailure(live.ended::tryFail)
          .onSuccess(ws -> {
            ws.textMessageHandler(text -> {
              String type = new JsonObject(text).getString("type");
              live.add(text, "done".equals(type) || "error".equals(type) ? type : null);
            });
            ws.writeTextMessage(new JsonObject().put("type", "message").put("requestId", "r-1").put("sessionId", sessionId)
                .put("content", "plan my week of runs").encode());
          });
      return live;
    }

    static Live completion(HttpClient http, int port, String token) {
      Live live = new Live("completion", null);
      JsonObject body = new JsonObject().put("model", "sage").put("stream", true).put("messages",
          new JsonArray().add(new JsonObject().put("role", "user").put("content", "plan my week of runs")));
      http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
              .setURI("/v1/chat/completions").putHeader("Authorization", "Bearer " + token)
              .putHeader("Content-Type", "application/json"))
          .compose(request -> request.send(body.toBuffer()))
          .onFailure(live.ended::tryFail)
          .onSuccess(response -> response.handler(chunk -> {
            for (String line : chunk.toString().split("\n")) {
              if (line.startsWith("data: ")) {
                String data = line.substring(6);
                live.add(data, data.equals("[DONE]") ? "done" : data.startsWith("{\"error\"") ? "error" : null);
              }
            }
          }));
      return live;
    }

    synchronized void add(String item, String end) {
      received.add(item);
      if (end != null && last == null) {
        last = end;
        endedNanos = System.nanoTime();
        ended.tryComplete();
      }
    }

    synchronized int deltas() {
      return (int) received.stream().filter(item -> item.contains("\"delta\"") && item.contains("\"text\"")
          || item.contains("\"content\":\"")).count();
    }

    synchronized String text() {
      return String.join("\n", received);
    }

    /** The WebSocket's delta frames' text. */
    synchronized String deltaText() {
      return received.stream().map(JsonObject::new).filter(f -> "delta".equals(f.getString("type")))
          .map(f -> f.getString("text")).collect(Collectors.joining());
    }

    Future<Void> ending() {
      return ended.future();
    }

    boolean ended() {
      return last != null;
    }

    String last() {
      return last;
    }

    @Override
    public synchronized String toString() {
      return kind + " " + received;
    }
  }

  private String session() {
    HttpResponse<Buffer> created = Await.result(web.post(gateway.httpPort(), "127.0.0.1", "/api/v1/sessions")
        .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("agentId", "sage")), Duration.ofSeconds(30));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> message(String sessionId, String content) {
    return Await.result(web.post(gateway.httpPort(), "127.0.0.1", "/api/v1/sessions/" + sessionId + "/messages")
        .bearerTokenAuthentication(token).timeout(30_000).sendJsonObject(new JsonObject().put("content", content)), Duration.ofSeconds(30));
  }

  /** The session's newest message, which must be the agent's. */
  private JsonObject agentMessage(String sessionId) {
    JsonObject newest = get("/api/v1/sessions/" + sessionId + "/messages").bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals("agent", newest.getString("role"), newest.encode());
    return newest;
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(web.get(gateway.httpPort(), "127.0.0.1", path).bearerTokenAuthentication(token).send(), Duration.ofSeconds(30));
  }

  /** The requests to open a reply the gateway has sent (its own metrics). */
  private double gatewayOpens() {
    String body = get("/metrics").bodyAsString();
    return body.lines().filter(line -> line.startsWith("vertx_eventbus_sent_total{") && line.contains(GATEWAY_OPENS))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private Map<ClusterNode, Long> opened() {
    Map<ClusterNode, Long> counts = new HashMap<>();
    agents.forEach(agent -> counts.put(agent, opened(agent)));
    return counts;
  }

  /** The streams this agent service's process has opened (its own operator port). */
  private long opened(ClusterNode agent) {
    HttpResponse<Buffer> metrics = Await.result(web.get(agent.operatorPort(), "127.0.0.1", "/metrics").send(), Duration.ofSeconds(10));
    return metrics.bodyAsString().lines().filter(line -> line.startsWith(STREAMS_OPENED + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(STREAMS_OPENED.length() + 1))).findFirst().orElse(0);
  }
}
