package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.redis.RedisKeys;
import io.genesis.embedded.TestServices;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Calculators as tools: an upstream model calls the agent's calculators, through the gateway")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallsTest {
  private static final Map<String, String> SSE = Map.of("Content-Type", "application/json", "Accept", "text/event-stream");
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** What the heart-rate-zones calculator answers for age 30 (Tanaka: 208 − 0.7 × 30 = 187). */
  private static final String ZONES_30 = "{\"maxHeartRate\":187,\"formula\":\"Tanaka\",\"classicMaxHeartRate\":190,"
      + "\"zones\":[{\"zone\":1,\"percentOfMax\":\"50-60\",\"fromBpm\":94,\"toBpm\":112},"
      + "{\"zone\":2,\"percentOfMax\":\"60-70\",\"fromBpm\":112,\"toBpm\":131},"
      + "{\"zone\":3,\"percentOfMax\":\"70-80\",\"fromBpm\":131,\"toBpm\":150},"
      + "{\"zone\":4,\"percentOfMax\":\"80-90\",\"fromBpm\":150,\"toBpm\":168},"
      + "{\"zone\":5,\"percentOfMax\":\"90-100\",\"fromBpm\":168,\"toBpm\":187}]}";

  @TempDir
  static Path dataDir;

  private Vertx clientVertx;
  private FakeUpstream fake;
  private Genesis genesis;
  private Http http;
  private RedisAPI redis;

  @BeforeAll
  void start() {
    clientVertx = Vertx.vertx();
    fake = Await.result(FakeUpstream.start(clientVertx, FakeUpstreamOptions.defaults().withTtftMillis(5)), WAIT);
    genesis = TestApp.start(dataDir, Map.of("GENESIS_MODEL_BASE_URL", fake.baseUrl(), "GENESIS_MODEL_NAME", "coach-7b"));
    http = new Http(clientVertx, genesis.httpPort());
    redis = RedisAPI.api(Redis.createClient(clientVertx, TestServices.get().redisUrl()));
  }

  @AfterAll
  void stop() {
    genesis.close();
    Await.result(clientVertx.close(), WAIT);
  }

  private SseEvents send(String token, String sessionId, String content, Map<String, String> headers) {
    HttpResponse<Buffer> response = http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), headers);
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return SseEvents.parse(response.bodyAsString());
  }

  private static List<String> roles(JsonArray messages) {
    return messages.stream().map(m -> ((JsonObject) m).getString("role")).toList();
  }

  @Test
  @DisplayName("SSE: meta, a tool event per call (name, arguments, result), then the deltas of the answer quoting the results; only that text is stored")
  void roundTripOverSse() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    SseEvents events = send(token, sessionId, "My zones and my pace? [[call heart-rate-zones {\"age\":30}]]"
        + " [[call pace {\"distanceKm\":10,\"durationSeconds\":3000}]]", SSE);
    List<String> names = events.names();
    assertEquals(List.of("meta", "tool", "tool"), names.subList(0, 3), names::toString);
    assertEquals("done", names.get(names.size() - 1));
    assertTrue(names.subList(3, names.size() - 1).stream().allMatch("delta"::equals), names::toString);
    JsonObject zones = events.named("tool").get(0).data();
    assertEquals("heart-rate-zones", zones.getString("name"));
    assertEquals(new JsonObject().put("age", 30), zones.getJsonObject("arguments"));
    assertEquals(new JsonObject(ZONES_30), zones.getJsonObject("result"));
    assertNull(zones.getValue("error"));
    assertTrue(zones.getString("callId").startsWith("call_"));
    JsonObject pace = events.named("tool").get(1).data();
    assertEquals("pace", pace.getString("name"));
    assertEquals("5:00", pace.getJsonObject("result").getString("pacePerKm"));

    String answer = "Calculated with heart-rate-zones: " + ZONES_30 + ". Calculated with pace: "
        + pace.getJsonObject("result").encode() + ".";
    assertEquals(answer, events.deltaText(), "the deltas are the model's text only, not the tool results");
    JsonObject done = events.first("done");
    assertEquals(answer, done.getString("content"));
    assertFalse(done.getBoolean("partial"));
    JsonArray stored = http.messages(token, sessionId);
    assertEquals(answer, stored.getJsonObject(0).getString("content"), "the stored reply is the final text");

    JsonObject sent = fake.lastRequest();
    assertEquals(List.of("system", "user", "assistant", "tool", "tool"), roles(sent.getJsonArray("messages")));
    JsonObject assistant = sent.getJsonArray("messages").getJsonObject(2);
    JsonArray calls = assistant.getJsonArray("tool_calls");
    assertEquals("heart-rate-zones", calls.getJsonObject(0).getJsonObject("function").getString("name"));
    assertEquals("{\"age\":30}", calls.getJsonObject(0).getJsonObject("function").getString("arguments"));
    JsonObject result = sent.getJsonArray("messages").getJsonObject(3);
    assertEquals(calls.getJsonObject(0).getString("id"), result.getString("tool_call_id"));
    assertEquals(new JsonObject(ZONES_30), new JsonObject(result.getString("content")));
    assertEquals("auto", sent.getString("tool_choice"));
    assertEquals(List.of("heart-rate-zones", "pace"), sent.getJsonArray("tools").stream()
        .map(t -> ((JsonObject) t).getJsonObject("function").getString("name")).toList(), "VOLT's calculators are offered");
  }

  @Test
  @DisplayName("WebSocket: the same round trip as frames: meta, tool (name, arguments, result), deltas, done")
  void roundTripOverWebSocket() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    WebSocketClient sockets = clientVertx.createWebSocketClient();
    ChatClient chat = Await.result(ChatClient.connect(sockets, genesis.httpPort(), "/api/v1/ws", token), WAIT);
    Await.result(chat.send(ChatClient.message("r1", sessionId, "Zones? [[call heart-rate-zones {\"age\":30}]]")), WAIT);
    List<JsonObject> frames = Await.result(chat.reply("r1"), WAIT);
    List<String> types = frames.stream().map(f -> f.getString("type")).toList();
    assertEquals(List.of("meta", "tool"), types.subList(0, 2), types::toString);
    assertEquals("done", types.get(types.size() - 1), types::toString);
    JsonObject tool = frames.get(1);
    assertEquals("heart-rate-zones", tool.getString("name"));
    assertEquals(2L, tool.getLong("eventId"));
    assertEquals(new JsonObject(ZONES_30), tool.getJsonObject("result"));
    String text = String.join("", frames.stream().filter(f -> "delta".equals(f.getString("type")))
        .map(f -> f.getString("text")).toList());
    assertEquals("Calculated with heart-rate-zones: " + ZONES_30 + ".", text);
    assertEquals(text, frames.get(frames.size() - 1).getString("content"));
    Await.result(chat.close(), WAIT);
    Await.result(sockets.close(), WAIT);
  }

  @Test
  @DisplayName("bad arguments go back to the model as the call's error, shown in the tool event; the reply goes on")
  void malformedArguments() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    SseEvents events = send(token, sessionId, "Zones? [[call heart-rate-zones {\"age\":]] [[call heart-rate-zones {\"age\":\"thirty\"}]]"
        + " [[call teleport {}]]", SSE);
    List<SseEvents.Event> tools = events.named("tool");
    assertEquals(3, tools.size(), events.names()::toString);
    JsonObject truncated = tools.get(0).data();
    assertEquals("{\"age\":", truncated.getString("arguments"), "arguments that are no JSON object come as the model's text");
    assertEquals("the arguments are not a JSON object", truncated.getString("error"));
    assertNull(truncated.getValue("result"));
    assertEquals("'age' must be a number", tools.get(1).data().getString("error"));
    assertEquals("no calculator named 'teleport'", tools.get(2).data().getString("error"));
    JsonObject done = events.first("done");
    assertTrue(done.getString("content").startsWith(
        "Calculated with heart-rate-zones: {\"error\":\"the arguments are not a JSON object\"}."), done::encode);
    assertEquals(done.getString("content"), events.deltaText());
  }

  @Test
  @DisplayName("rounds are bounded: after GENESIS_MODEL_TOOL_ROUNDS (3) rounds the model is asked with tool_choice none and answers")
  void roundsBound() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    SseEvents events = send(token, sessionId, "[[again]] Zones? [[call heart-rate-zones {\"age\":30}]]", SSE);
    assertEquals(3, events.named("tool").size(), events.names()::toString);
    assertEquals("Calculated with heart-rate-zones: " + ZONES_30 + ".", events.first("done").getString("content"));
    JsonObject last = fake.lastRequest();
    assertEquals("none", last.getString("tool_choice"));
    assertEquals(List.of("system", "user", "assistant", "tool", "assistant", "tool", "assistant", "tool"),
        roles(last.getJsonArray("messages")));
  }

  @Test
  @DisplayName("a model that calls tools even with tool_choice none ends the reply with a 502 error event, nothing stored for it")
  void stubbornModel() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    SseEvents events = send(token, sessionId, "[[again]] [[stubborn]] Zones? [[call heart-rate-zones {\"age\":30}]]", SSE);
    assertEquals(3, events.named("tool").size(), events.names()::toString);
    JsonObject error = events.first("error");
    assertEquals(502, error.getInteger("status"));
    assertTrue(error.getString("detail").contains("kept calling calculators after 3 rounds"), error::encode);
    assertEquals(1, http.messages(token, sessionId).size(), "only the user's message: the reply had no text");
  }

  @Test
  @DisplayName("the tool event survives resumption (Last-Event-ID) and an Idempotency-Key retry, with the same id and data")
  void resumeAndReplay() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    String content = "Zones? [[call heart-rate-zones {\"age\":30}]]";
    String key = "tools-" + UUID.randomUUID();
    Map<String, String> withKey = Map.of("Content-Type", "application/json", "Accept", "text/event-stream", "Idempotency-Key", key);
    SseEvents first = send(token, sessionId, content, withKey);
    JsonObject tool = first.first("tool");

    String replyId = first.first("meta").getString("replyId");
    HttpResponse<Buffer> resumed = http.send(HttpMethod.GET, "/api/v1/sessions/" + sessionId + "/messages/" + replyId + "/stream",
        token, null, Map.of("Accept", "text/event-stream", "Last-Event-ID", "1"));
    assertEquals(200, resumed.statusCode(), resumed::bodyAsString);
    SseEvents after = SseEvents.parse(resumed.bodyAsString());
    assertEquals("tool", after.names().get(0), after.names()::toString);
    assertEquals(tool, after.first("tool"));
    assertTrue(resumed.bodyAsString().contains("id: 2\nevent: tool\n"), resumed::bodyAsString);

    HttpResponse<Buffer> retried = http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), withKey);
    assertEquals(200, retried.statusCode(), retried::bodyAsString);
    assertEquals("true", retried.getHeader("Idempotent-Replayed"));
    SseEvents replayed = SseEvents.parse(retried.bodyAsString());
    assertEquals(first.names(), replayed.names());
    assertEquals(tool, replayed.first("tool"));
    assertEquals(2, http.messages(token, sessionId).size(), "stored once");
  }

  @Test
  @DisplayName("once the reply's journal is gone (expired), an Idempotency-Key retry replays the tool event from the key's outcome")
  void replayAfterTheJournalExpired() {
    String token = http.token("tools-" + UUID.randomUUID());
    String sessionId = http.newSession(token, "volt");
    String content = "Zones and pace? [[call heart-rate-zones {\"age\":30}]] [[call pace {\"distanceKm\":5,\"durationSeconds\":1500}]]";
    Map<String, String> withKey = Map.of("Content-Type", "application/json", "Accept", "text/event-stream",
        "Idempotency-Key", "tools-" + UUID.randomUUID());
    SseEvents first = send(token, sessionId, content, withKey);
    String replyId = first.first("meta").getString("replyId");
    assertEquals(1, Await.result(redis.del(List.of(RedisKeys.replyEvents(replyId))), WAIT).toInteger(),
        "the journal was there");

    HttpResponse<Buffer> retried = http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), withKey);
    assertEquals(200, retried.statusCode(), retried::bodyAsString);
    assertEquals("true", retried.getHeader("Idempotent-Replayed"));
    SseEvents stored = SseEvents.parse(retried.bodyAsString());
    assertEquals(List.of("meta", "tool", "tool", "delta", "done"), stored.names(), "the stored reply as one delta");
    assertEquals(first.named("tool").stream().map(SseEvents.Event::data).toList(),
        stored.named("tool").stream().map(SseEvents.Event::data).toList(), "the tool events as first sent, in order");
    assertTrue(retried.bodyAsString().contains("id: 2\nevent: tool\n"), retried::bodyAsString);
    assertEquals(first.deltaText(), stored.deltaText());
    assertEquals(first.first("done"), stored.first("done"));
    assertEquals(2, http.messages(token, sessionId).size(), "stored once");
  }

  @Test
  @DisplayName("/v1/chat/completions: the calculators run inside; the client gets only the model's text")
  void completions() {
    String token = http.token("tools-" + UUID.randomUUID());
    HttpResponse<Buffer> response = http.post("/v1/chat/completions", token, new JsonObject().put("model", "volt")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "Zones? [[call heart-rate-zones {\"age\":30}]]"))));
    assertEquals(200, response.statusCode(), response::bodyAsString);
    JsonObject choice = response.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0);
    assertEquals("Calculated with heart-rate-zones: " + ZONES_30 + ".", choice.getJsonObject("message").getString("content"));
    assertEquals("stop", choice.getString("finish_reason"));
  }
}
