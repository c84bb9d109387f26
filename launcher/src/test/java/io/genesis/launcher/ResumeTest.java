package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.redis.RedisKeys;
import io.genesis.embedded.TestServices;
import io.genesis.gateway.auth.Tokens;
import io.genesis.launcher.ReplyWire.Answer;
import io.genesis.launcher.ReplyWire.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole GENESIS stacks on the suite's PostgreSQL and Redis with one encryption key (one data
 * directory): a stream cut on one resumes on either. A third cuts a reply as soon as its client leaves.
 */
@DisplayName("Resuming a streamed reply (SSE Last-Event-ID, WebSocket resume) on one gateway or another")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {
  static final String CONTENT = "I ran 10k in 50:00, what pace is that?";
  /** In the offline coach's reply to {@link #CONTENT}, and nowhere else. */
  static final String PHRASE = "pace 5:00 min/km";
  static final int ROUNDS = 30;
  static final long SEED = 20261207L;
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Map<String, String> PACED = Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "5");

  @TempDir
  static Path dataDir;

  private Genesis a;
  private Genesis b;
  /** GENESIS_DETACHED_REPLY_SECONDS=0: a reply whose client leaves is cut at once. */
  private Genesis cutAtOnce;
  private Vertx vertx;
  private ReplyWire wire;
  private WebSocketClient sockets;
  private Tokens tokens;
  private RedisAPI redis;
  /** The whole reply to {@link #CONTENT}, as one uncut stream gives it. */
  private String fullText;
  private long fullDeltas;

  @BeforeAll
  void start(Vertx vertx) {
    a = TestApp.start(dataDir, PACED);
    b = TestApp.start(dataDir, PACED);
    cutAtOnce = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "10", "GENESIS_DETACHED_REPLY_SECONDS", "0"));
    this.vertx = vertx;
    wire = new ReplyWire(vertx);
    sockets = vertx.createWebSocketClient();
    tokens = new Tokens(vertx, TestApp.SECRET);
    redis = RedisAPI.api(Redis.createClient(vertx, TestServices.get().redisUrl()));
    String token = token();
    List<Event> whole = Await.result(wire.message(a.httpPort(), token, session(a, token), CONTENT, true, Map.of()), WAIT).events();
    fullText = ReplyWire.deltaText(whole);
    fullDeltas = ReplyWire.deltas(whole);
    assertTrue(fullDeltas >= 10 && fullText.contains(PHRASE), "the reply must stream in many deltas: " + whole);
  }

  @AfterAll
  void stop() {
    cutAtOnce.close();
    b.close();
    a.close();
  }

  private String token() {
    return tokens.issue("resume-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private String session(Genesis on, String token) {
    return new Http(vertx, on.httpPort()).newSession(token, "volt");
  }

  /**
   * The session's stored messages. The wire's client was seen once (CI, after the cut-and-resume rounds) never to
   * send this request: nothing reached either gateway, and neither its connect nor its idle timeout fired. So a
   * fresh client asks again after 10 s; a gateway that does not answer fails the test all the same.
   */
  private JsonArray stored(Genesis on, String token, String sessionId) {
    String path = ReplyWire.messagesPath(sessionId);
    Future<Answer> asked = wire.send(HttpMethod.GET, on.httpPort(), path, token, null, Map.of())
        .timeout(10, TimeUnit.SECONDS)
        .recover(stuck -> new ReplyWire(vertx).send(HttpMethod.GET, on.httpPort(), path, token, null, Map.of()));
    Answer page = Await.result(asked, WAIT);
    assertEquals(200, page.status(), page::body);
    return page.json().getJsonArray("items");
  }

  // ---- SSE ----

  /** One cut stream and its resume: where it was resumed, after how many deltas it was cut, what each part brought. */
  private record SseRound(int round, int cutAfter, boolean elsewhere, String sessionId, List<Event> before, Answer resumed) {
    String name() {
      return "round " + round + " (cut after " + cutAfter + " deltas, resumed on " + (elsewhere ? "the other gateway" : "the same one")
          + "): " + before.size() + " events before, then " + resumed.status() + " " + resumed.body();
    }
  }

  @Test
  @DisplayName("SSE cut after k deltas (k seeded), resumed with Last-Event-ID here or on the other gateway: ids consecutive, "
      + "every delta once, deltas = done = stored reply")
  void sseCutAndResumed() {
    String token = token();
    Random random = new Random(SEED);
    List<Future<SseRound>> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int cutAfter = 1 + random.nextInt((int) fullDeltas - 1);
      boolean elsewhere = random.nextBoolean();
      int resumePort = (elsewhere ? b : a).httpPort();
      String sessionId = session(a, token);
      int n = round;
      rounds.add(wire.sendAndHangUp(a.httpPort(), token, sessionId, CONTENT, cutAfter, Map.of())
          .compose(before -> wire.resume(resumePort, token, sessionId, replyId(before), String.valueOf(last(before).id()))
              .map(resumed -> new SseRound(n, cutAfter, elsewhere, sessionId, before, resumed))));
    }
    Await.result(Future.all(rounds), WAIT);
    assertTrue(rounds.stream().anyMatch(r -> r.result().elsewhere()) && rounds.stream().anyMatch(r -> !r.result().elsewhere()));
    for (Future<SseRound> done : rounds) {
      SseRound round = done.result();
      List<Event> before = round.before();
      assertConsecutive(before, 1, round.name());
      List<Event> after = List.of();
      if (!last(before).name().equals("done")) {
        assertEquals(200, round.resumed().status(), round::name);
        after = round.resumed().events();
        assertFalse(after.isEmpty(), round::name);
        assertConsecutive(after, last(before).id() + 1, round.name());
      } else {
        assertEquals(204, round.resumed().status(), "a client that saw done resumes to 204: " + round.name());
      }
      List<Event> all = Stream.concat(before.stream(), after.stream()).toList();
      assertEquals(1, all.stream().filter(e -> e.name().equals("done")).count(), round::name);
      JsonObject reply = last(all).data();
      assertEquals("done", last(all).name(), round::name);
      assertEquals(replyId(before), reply.getString("id"), round::name);
      assertEquals(ReplyWire.deltaText(all), reply.getString("content"), round::name);
      assertEquals(fullText, reply.getString("content"), round::name);
      assertFalse(reply.getBoolean("partial"), round::name);
      JsonObject storedReply = stored(round.elsewhere() ? b : a, token, round.sessionId()).getJsonObject(0);
      assertEquals(reply.getString("id"), storedReply.getString("id"), round::name);
      assertEquals(fullText, storedReply.getString("content"), round::name);
    }
  }

  private static String replyId(List<Event> events) {
    assertEquals("meta", events.get(0).name(), () -> "the first event: " + events);
    String replyId = events.get(0).data().getString("replyId");
    assertNotNull(replyId, () -> "meta names the reply id: " + events.get(0));
    return replyId;
  }

  private static Event last(List<Event> events) {
    return events.get(events.size() - 1);
  }

  private static void assertConsecutive(List<Event> events, long first, String context) {
    for (int i = 0; i < events.size(); i++) {
      assertEquals(first + i, events.get(i).id(), "event " + i + " of " + events + " in " + context);
    }
  }

  // ---- WebSocket ----

  /** One cut socket and its resume on a new one. */
  private record WsRound(int round, int cutAfter, boolean elsewhere, String sessionId, List<JsonObject> before, List<JsonObject> after) {
    String name() {
      return "round " + round + " (cut after " + cutAfter + " deltas, resumed on " + (elsewhere ? "the other gateway" : "the same one")
          + "): " + before + " then " + after;
    }
  }

  @Test
  @DisplayName("WebSocket closed after k deltas (k seeded), resumed by a resume frame on a new socket here or on the other gateway: "
      + "event ids consecutive, every delta once, deltas = done = stored reply")
  void webSocketCutAndResumed() {
    String token = token();
    Random random = new Random(SEED + 1);
    List<Future<WsRound>> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      int cutAfter = 1 + random.nextInt((int) fullDeltas - 1);
      boolean elsewhere = random.nextBoolean();
      boolean withSession = random.nextBoolean();
      int resumePort = (elsewhere ? b : a).httpPort();
      String sessionId = session(a, token);
      int n = round;
      String resumeId = "r-" + UUID.randomUUID();
      rounds.add(cutSocket(token, sessionId, cutAfter).compose(before -> resumeSocket(resumePort, token, resumeId,
              withSession ? sessionId : null, before).map(after -> new WsRound(n, cutAfter, elsewhere, sessionId, before, after))));
    }
    Await.result(Future.all(rounds), WAIT);
    for (Future<WsRound> done : rounds) {
      WsRound round = done.result();
      List<JsonObject> before = round.before();
      List<JsonObject> after = round.after();
      for (int i = 0; i < before.size(); i++) {
        assertEquals(i + 1, before.get(i).getLong("eventId"), round::name);
      }
      JsonObject lastSeen = before.get(before.size() - 1);
      List<JsonObject> all = new ArrayList<>(before);
      if ("done".equals(lastSeen.getString("type"))) {
        assertEquals(List.of(lastSeen.copy().put("requestId", after.get(0).getString("requestId"))), after,
            "a client that saw done gets it again: " + round.name());
      } else {
        for (int i = 0; i < after.size(); i++) {
          assertEquals(lastSeen.getLong("eventId") + 1 + i, after.get(i).getLong("eventId"), round::name);
        }
        all.addAll(after);
      }
      JsonObject end = all.get(all.size() - 1);
      assertEquals("done", end.getString("type"), round::name);
      String text = String.join("", all.stream().filter(f -> "delta".equals(f.getString("type"))).map(f -> f.getString("text")).toList());
      assertEquals(text, end.getString("content"), round::name);
      assertEquals(fullText, end.getString("content"), round::name);
      assertEquals(before.get(0).getString("replyId"), end.getString("id"), round::name);
      JsonObject storedReply = stored(round.elsewhere() ? b : a, token, round.sessionId()).getJsonObject(0);
      assertEquals(end.getString("id"), storedReply.getString("id"), round::name);
      assertEquals(fullText, storedReply.getString("content"), round::name);
    }
  }

  /** Sends {@link #CONTENT} on a new socket to gateway a, closes it after {@code deltas} deltas; answers every frame received. */
  private Future<List<JsonObject>> cutSocket(String token, String sessionId, int deltas) {
    String requestId = "m-" + UUID.randomUUID();
    int[] seen = {0};
    return ChatClient.connect(sockets, a.httpPort(), "/api/v1/ws", token).compose(chat -> chat.send(ChatClient.message(requestId, sessionId, CONTENT))
        .compose(sent -> chat.frame(f -> requestId.equals(f.getString("requestId")) && "delta".equals(f.getString("type")) && ++seen[0] >= deltas))
        .compose(enough -> chat.close())
        .compose(closed -> chat.received(requestId)));
  }

  /** A resume frame on a new socket after the last event of {@code before}; answers its frames up to done or error. */
  private Future<List<JsonObject>> resumeSocket(int port, String token, String requestId, String sessionId, List<JsonObject> before) {
    JsonObject resume = new JsonObject().put("type", "resume").put("requestId", requestId)
        .put("messageId", before.get(0).getString("replyId")).put("lastEventId", before.get(before.size() - 1).getLong("eventId"));
    if (sessionId != null) {
      resume.put("sessionId", sessionId);
    }
    return ChatClient.connect(sockets, port, "/api/v1/ws", token).compose(chat -> chat.send(resume)
        .compose(sent -> chat.reply(requestId))
        .compose(frames -> chat.close().map(frames)));
  }

  // ---- edge cases ----

  /** A whole reply streamed on gateway a: its events. */
  private List<Event> whole(String token, String sessionId) {
    Answer answer = Await.result(wire.message(a.httpPort(), token, sessionId, CONTENT, true, Map.of()), WAIT);
    assertEquals(200, answer.status(), answer::body);
    return answer.events();
  }

  private Answer resume(Genesis on, String token, String sessionId, String replyId, String lastEventId) {
    return Await.result(wire.resume(on.httpPort(), token, sessionId, replyId, lastEventId), WAIT);
  }

  private static void assertProblem(int status, Answer answer) {
    assertEquals(status, answer.status(), answer::body);
    assertEquals("application/problem+json", answer.headers().get("Content-Type"), answer::body);
    assertEquals(status, answer.json().getInteger("status"), answer::body);
  }

  @Test
  @DisplayName("Last-Event-ID of the reply's last event (or past it): 204, on either gateway")
  void atTheEnd() {
    String token = token();
    String sessionId = session(a, token);
    List<Event> events = whole(token, sessionId);
    String lastId = String.valueOf(last(events).id());
    assertEquals(204, resume(a, token, sessionId, replyId(events), lastId).status());
    Answer elsewhere = resume(b, token, sessionId, replyId(events), lastId);
    assertEquals(204, elsewhere.status(), elsewhere::body);
    assertEquals("", elsewhere.body());
    assertEquals(204, resume(b, token, sessionId, replyId(events), "1000").status(), "an id past the end");
  }

  @Test
  @DisplayName("a reply id nobody wrote: 404 problem, with Last-Event-ID and without")
  void unknownReply() {
    String token = token();
    String sessionId = session(a, token);
    assertProblem(404, resume(a, token, sessionId, UUID.randomUUID().toString(), "3"));
    assertProblem(404, resume(b, token, sessionId, UUID.randomUUID().toString(), null));
  }

  @Test
  @DisplayName("another user's reply id, with that user's own session or with the owner's: 404, nothing of the reply leaked; "
      + "the same once its journal is gone; over a WebSocket too")
  void anotherUsersReply() {
    String owner = token();
    String ownerSession = session(a, owner);
    List<Event> events = whole(owner, ownerSession);
    String replyId = replyId(events);
    String intruder = token();
    String intruderSession = session(b, intruder);
    List<Answer> answers = new ArrayList<>(List.of(
        resume(a, intruder, intruderSession, replyId, "1"),
        resume(b, intruder, intruderSession, replyId, null),
        resume(a, intruder, ownerSession, replyId, "1")));
    Await.result(redis.del(List.of(RedisKeys.replyEvents(replyId))), WAIT);
    answers.add(resume(b, intruder, intruderSession, replyId, "1"));
    for (Answer answer : answers) {
      assertProblem(404, answer);
      assertFalse(answer.body().contains(PHRASE) || answer.body().contains("min/km"), answer::body);
    }
    JsonObject error = Await.result(ChatClient.connect(sockets, a.httpPort(), "/api/v1/ws", intruder)
        .compose(chat -> chat.send(new JsonObject().put("type", "resume").put("requestId", "x").put("messageId", replyId).put("lastEventId", 1))
            .compose(sent -> chat.reply("x")).compose(frames -> chat.close().map(frames.get(frames.size() - 1)))), WAIT);
    assertEquals("error", error.getString("type"), error::encode);
    assertEquals(404, error.getInteger("status"), error::encode);
    assertTrue(resume(a, owner, ownerSession, replyId, "1").body().contains(PHRASE), "the owner still gets it");
  }

  @Test
  @DisplayName("a Last-Event-ID that is no event id (a word, negative, a fraction) or such a lastEventId parameter: 400")
  void badLastEventId() {
    String token = token();
    String sessionId = session(a, token);
    String replyId = replyId(whole(token, sessionId));
    for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
      Answer answer = resume(a, token, sessionId, replyId, bad);
      assertProblem(400, answer);
      assertTrue(answer.body().contains("Last-Event-ID"), answer::body);
    }
    Answer query = Await.result(wire.send(HttpMethod.GET, a.httpPort(), ReplyWire.messagesPath(sessionId) + "/" + replyId
        + "/stream?lastEventId=x", token, null, Map.of()), WAIT);
    assertProblem(400, query);
    assertTrue(query.body().contains("lastEventId"), query::body);
  }

  @Test
  @DisplayName("an event id past 10^15 (10^16, Long.MAX_VALUE) as Last-Event-ID, lastEventId parameter, or a WebSocket resume's "
      + "lastEventId (number or text): 400, not 500")
  void hugeLastEventId() {
    String token = token();
    String sessionId = session(a, token);
    String replyId = replyId(whole(token, sessionId));
    String huge = "10000000000000000"; // 10^16
    for (String id : List.of(huge, String.valueOf(Long.MAX_VALUE))) {
      Answer header = resume(a, token, sessionId, replyId, id);
      assertProblem(400, header);
      assertTrue(header.body().contains("Last-Event-ID"), header::body);
    }
    Answer query = Await.result(wire.send(HttpMethod.GET, b.httpPort(), ReplyWire.messagesPath(sessionId) + "/" + replyId
        + "/stream?lastEventId=" + huge, token, null, Map.of()), WAIT);
    assertProblem(400, query);
    assertEquals(204, resume(a, token, sessionId, replyId, "1000000000000000").status(), "10^15 is an id (past the end)");
    for (Object lastEventId : List.<Object>of(10_000_000_000_000_000L, Long.MAX_VALUE, huge)) {
      JsonObject error = Await.result(ChatClient.connect(sockets, a.httpPort(), "/api/v1/ws", token)
          .compose(chat -> chat.send(new JsonObject().put("type", "resume").put("requestId", "h").put("messageId", replyId)
                  .put("lastEventId", lastEventId))
              .compose(sent -> chat.reply("h")).compose(frames -> chat.close().map(frames.get(frames.size() - 1)))), WAIT);
      assertEquals("error", error.getString("type"), error::encode);
      assertEquals(400, error.getInteger("status"), error::encode);
      assertTrue(error.encode().contains("lastEventId"), error::encode);
    }
  }

  @Test
  @DisplayName("once the journal is gone from Redis (expired), a resume gets the stored reply as one done event without an id")
  void journalGone() {
    String token = token();
    String sessionId = session(a, token);
    List<Event> events = whole(token, sessionId);
    String replyId = replyId(events);
    Response deleted = Await.result(redis.del(List.of(RedisKeys.replyEvents(replyId))), WAIT);
    assertEquals(1, deleted.toInteger(), "the journal was there");
    Answer resumed = resume(b, token, sessionId, replyId, "2");
    assertEquals(200, resumed.status(), resumed::body);
    List<Event> after = resumed.events();
    assertEquals(1, after.size(), resumed::body);
    assertEquals("done", after.get(0).name());
    assertEquals(-1, after.get(0).id(), "no id: it is not one of the numbered events");
    assertEquals(last(events).data(), after.get(0).data());
  }

  // ---- detached replies ----

  @Test
  @DisplayName("with the default detached bound, a reply whose client left is generated to its end and stored whole")
  void detachedReplyFinishes() {
    String token = token();
    String sessionId = session(a, token);
    List<Event> before = Await.result(wire.sendAndHangUp(a.httpPort(), token, sessionId, CONTENT, 2, Map.of()), WAIT);
    assertFalse(last(before).name().equals("done"), "cut before its end");
    JsonObject reply = Await.result(new SseClient(vertx, b.httpPort()).agentMessage(token, sessionId, 200), WAIT);
    assertFalse(reply.getBoolean("partial"), reply::encode);
    assertEquals(fullText, reply.getString("content"));
    assertEquals(replyId(before), reply.getString("id"));
  }

  @Test
  @DisplayName("with GENESIS_DETACHED_REPLY_SECONDS=0, a reply whose client left early is cut and stored partial; a resume ends with it")
  void detachedReplyCutAtOnce() {
    String token = token();
    String sessionId = session(cutAtOnce, token);
    List<Event> before = Await.result(wire.sendAndHangUp(cutAtOnce.httpPort(), token, sessionId, CONTENT, 2, Map.of()), WAIT);
    Answer resumed = resume(cutAtOnce, token, sessionId, replyId(before), String.valueOf(last(before).id()));
    assertEquals(200, resumed.status(), resumed::body);
    List<Event> after = resumed.events();
    assertConsecutive(after, last(before).id() + 1, resumed.body());
    JsonObject reply = last(after).data();
    assertEquals("done", last(after).name(), resumed::body);
    assertTrue(reply.getBoolean("partial"), reply::encode);
    String cut = reply.getString("content");
    assertTrue(!cut.isEmpty() && cut.length() < fullText.length() && fullText.startsWith(cut), cut);
    assertEquals(ReplyWire.deltaText(before) + ReplyWire.deltaText(after), cut);
    JsonObject storedReply = stored(cutAtOnce, token, sessionId).getJsonObject(0);
    assertEquals(reply.getString("id"), storedReply.getString("id"));
    assertTrue(storedReply.getBoolean("partial"));
    assertEquals(cut, storedReply.getString("content"));
  }

  // ---- at rest ----

  @Test
  @DisplayName("the journals in Redis hold no plaintext of a reply")
  void journalSealed() {
    String token = token();
    String sessionId = session(a, token);
    String replyId = replyId(whole(token, sessionId));
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = Await.result(redis.scan(List.of(cursor, "MATCH", RedisKeys.replyEvents("*"), "COUNT", "1000")), WAIT);
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> keys.add(key.toString()));
    } while (!cursor.equals("0"));
    assertTrue(keys.contains(RedisKeys.replyEvents(replyId)), "this reply's journal is among " + keys.size());
    int entries = 0;
    for (String key : keys) {
      Response stream = Await.result(redis.xrange(List.of(key, "-", "+")), WAIT);
      for (Response entry : stream) {
        entries++;
        String raw = entry.toString();
        // base64 never holds a space nor a quote: these cannot turn up in a sealed entry by chance
        assertFalse(raw.contains(PHRASE) || raw.contains(" min/km") || raw.contains("\"text\""), () -> key + " holds " + raw);
      }
    }
    assertTrue(entries > 0, "entries read: " + entries); // a few sealed entries, each holding the events of one write
  }
}
