package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.embedded.TestServices;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Coaching memory: the profile and progress records over HTTP, used by the offline coaches, private like messages")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoachingMemoryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROFILE = "/api/v1/me/profile";
  private static final String PROGRESS = "/api/v1/me/progress";
  private static final Map<String, String> MERGE_PATCH = Map.of("Content-Type", "application/merge-patch+json");
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private Pool pg;
  private RedisAPI redis;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    TestServices.Urls urls = TestServices.get();
    pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(PgConnectOptions.fromUri(urls.pgUrl()))
        .using(clientVertx).build();
    redis = RedisAPI.api(Redis.createClient(clientVertx, urls.redisUrl()));
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), WAIT);
    genesis.close();
  }

  private static String user() {
    return "coach-" + UUID.randomUUID();
  }

  private static JsonObject sage30() {
    return new JsonObject().put("age", 30).put("sex", "male").put("heightCm", 180).put("weightKg", 80)
        .put("activity", "moderate").put("goal", "lose_fat").put("units", "metric").put("timezone", "Europe/Paris");
  }

  private HttpResponse<Buffer> put(String token, JsonObject body) {
    return http.send(HttpMethod.PUT, PROFILE, token, body.toBuffer(), JSON);
  }

  private HttpResponse<Buffer> patch(String token, JsonObject body) {
    return http.send(HttpMethod.PATCH, PROFILE, token, body.toBuffer(), MERGE_PATCH);
  }

  private JsonObject profile(String token) {
    HttpResponse<Buffer> got = http.get(PROFILE, token);
    assertEquals(200, got.statusCode(), got::bodyAsString);
    return got.bodyAsJsonObject();
  }

  private static Set<String> badFields(HttpResponse<Buffer> response) {
    assertEquals(400, response.statusCode(), response::bodyAsString);
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    return response.bodyAsJsonObject().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field"))
        .collect(Collectors.toSet());
  }

  private String record(String token, String kind, double value, String unit, Instant at, String exercise) {
    JsonObject body = new JsonObject().put("kind", kind).put("value", value).put("unit", unit);
    if (at != null) {
      body.put("at", at.toString());
    }
    if (exercise != null) {
      body.put("exercise", exercise);
    }
    HttpResponse<Buffer> added = http.post(PROGRESS, token, body);
    assertEquals(201, added.statusCode(), added::bodyAsString);
    return added.bodyAsJsonObject().getString("id");
  }

  /** The reply to a message, as JSON ({@code {message, reply, handoffs}}). */
  private String ask(String token, String sessionId, String content) {
    HttpResponse<Buffer> sent = http.send(HttpMethod.POST, "/api/v1/sessions/" + sessionId + "/messages", token,
        new JsonObject().put("content", content).toBuffer(), Map.of("Content-Type", "application/json", "Accept", "application/json"));
    assertEquals(201, sent.statusCode(), sent::bodyAsString);
    return sent.bodyAsJsonObject().getJsonObject("reply").getString("content");
  }

  private List<Row> rows(String sql, Tuple args) {
    List<Row> list = new ArrayList<>();
    Await.result(pg.preparedQuery(sql).execute(args), WAIT).forEach(list::add);
    return list;
  }

  @Test
  @DisplayName("GET is {} at first; PUT stores the whole document; PATCH (merge patch) sets and removes fields; PATCH as application/json is 415")
  void profileRoundTrip() {
    String token = http.token(user());
    assertEquals(new JsonObject(), profile(token));
    HttpResponse<Buffer> stored = put(token, sage30());
    assertEquals(200, stored.statusCode(), stored::bodyAsString);
    assertEquals(80.0, stored.bodyAsJsonObject().getDouble("weightKg"));
    JsonObject read = profile(token);
    assertEquals(30, read.getInteger("age"));
    assertEquals("Europe/Paris", read.getString("timezone"));
    assertEquals("no-store", http.get(PROFILE, token).getHeader("Cache-Control"));

    HttpResponse<Buffer> patched = patch(token, new JsonObject().put("weightKg", 82.5).putNull("timezone").put("units", "imperial"));
    assertEquals(200, patched.statusCode(), patched::bodyAsString);
    read = profile(token);
    assertEquals(82.5, read.getDouble("weightKg"));
    assertEquals("imperial", read.getString("units"));
    assertFalse(read.containsKey("timezone"));
    assertEquals(30, read.getInteger("age"), "a field the patch leaves out is kept");

    assertEquals(415, http.send(HttpMethod.PATCH, PROFILE, token, new JsonObject().put("age", 31).toBuffer(), JSON).statusCode());
    assertEquals(200, put(token, new JsonObject().put("age", 41)).statusCode());
    assertEquals(new JsonObject().put("age", 41), profile(token), "PUT replaces the whole document");
  }

  @Test
  @DisplayName("bad values are 400 problems naming each field; nothing is stored")
  void profileValidation() {
    String token = http.token(user());
    assertEquals(200, put(token, sage30()).statusCode());
    assertTrue(badFields(put(token, new JsonObject().put("age", 5).put("sex", "other").put("heightCm", 400)))
        .containsAll(Set.of("age", "sex", "heightCm")));
    assertEquals(Set.of("timezone"), badFields(put(token, new JsonObject().put("timezone", "Mars/Olympus_Mons"))));
    assertTrue(badFields(put(token, new JsonObject().put("shoeSize", 44))).contains("shoeSize"));
    assertTrue(badFields(patch(token, new JsonObject().put("weightKg", 1000))).contains("weightKg"));
    assertTrue(badFields(patch(token, new JsonObject().put("activity", "couch"))).contains("activity"));
    assertEquals(sage30(), profile(token));
  }

  @Test
  @DisplayName("SAGE answers the calories of a 30-year-old man, 180 cm, 80 kg, from his profile: BMR 1,780 kcal, TDEE for his activity")
  void caloriesFromProfile() {
    String token = http.token(user());
    assertEquals(200, put(token, sage30()).statusCode());
    String session = http.newSession(token, "sage");
    String answer = ask(token, session, "How many calories should I eat to lose fat?");
    assertTrue(answer.contains("BMR 1,780 kcal"), answer);
    assertTrue(answer.contains("TDEE 2,759 kcal (BMR \u00d7 1.55, moderately active)"), answer);
    assertTrue(answer.contains("2,207 kcal a day"), answer);
    assertFalse(answer.contains("I need"), answer);
    assertTrue(answer.contains("From your profile"), answer);

    String stranger = http.token(user());
    String theirs = http.newSession(stranger, "sage");
    assertTrue(ask(stranger, theirs, "How many calories should I eat to lose fat?").contains("I need"),
        "without a profile SAGE asks for the figures");
  }

  @Test
  @DisplayName("a weight stated in the chat is used for the reply and offered as a profile_suggestion (SSE and WebSocket), never stored")
  void statedFigureIsSuggested() {
    String token = http.token(user());
    assertEquals(200, put(token, sage30()).statusCode());
    String session = http.newSession(token, "sage");
    HttpResponse<Buffer> streamed = http.send(HttpMethod.POST, "/api/v1/sessions/" + session + "/messages", token,
        new JsonObject().put("content", "I'm 82 kg now. How many calories should I eat to lose fat?").toBuffer(),
        Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
    assertEquals(200, streamed.statusCode(), streamed::bodyAsString);
    SseEvents events = SseEvents.parse(streamed.bodyAsString());
    assertEquals(new JsonObject().put("patch", new JsonObject().put("weightKg", 82.0)), events.first("profile_suggestion"));
    assertTrue(events.names().indexOf("profile_suggestion") < events.names().indexOf("done"), events.names().toString());
    String reply = events.first("done").getString("content");
    assertTrue(reply.contains("BMR 1,800 kcal"), "the stated 82 kg is used: " + reply);
    assertEquals(80.0, profile(token).getDouble("weightKg"), "nothing is written without the client's PATCH");

    // Later in the same session the stated weight still counts; the client accepts the suggestion with one PATCH.
    assertTrue(ask(token, session, "And how many calories to maintain?").contains("BMR 1,800 kcal"));
    assertEquals(200, patch(token, events.first("profile_suggestion").getJsonObject("patch")).statusCode());
    assertEquals(82.0, profile(token).getDouble("weightKg"));
    HttpResponse<Buffer> again = http.send(HttpMethod.POST, "/api/v1/sessions/" + session + "/messages", token,
        new JsonObject().put("content", "I'm 82 kg now").toBuffer(), Map.of("Content-Type", "application/json", "Accept", "text/event-stream"));
    assertFalse(SseEvents.parse(again.bodyAsString()).names().contains("profile_suggestion"), "a figure the profile has is not offered");
  }

  @Test
  @DisplayName("progress records: units converted, checked per kind, keyset pages newest first, kind/from/to filters")
  void progressPages() {
    String token = http.token(user());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<String> weights = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      weights.add(record(token, "weight", 84 - i * 0.5, "kg", now.minus(Duration.ofDays(28 - 7L * i)), null));
    }
    String inPounds = record(token, "weight", 176, "lb", now.minus(Duration.ofDays(40)), null);
    record(token, "sleep_hours", 420, "min", now.minus(Duration.ofDays(1)), null);
    record(token, "lift_1rm", 100, "kg", null, "bench press");

    assertTrue(badFields(http.post(PROGRESS, token, new JsonObject().put("kind", "sleep_hours").put("value", 7).put("unit", "kg"))).contains("unit"));
    assertTrue(badFields(http.post(PROGRESS, token, new JsonObject().put("kind", "lift_1rm").put("value", 100).put("unit", "kg"))).contains("exercise"));
    assertTrue(badFields(http.post(PROGRESS, token, new JsonObject().put("kind", "weight").put("value", 5000).put("unit", "kg"))).contains("value"));
    assertTrue(badFields(http.post(PROGRESS, token, new JsonObject().put("kind", "mood").put("value", 1).put("unit", "kg"))).contains("kind"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> page = http.get(PROGRESS + "?kind=weight&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), page::bodyAsString);
      JsonObject body = page.bodyAsJsonObject();
      body.getJsonArray("items").forEach(item -> seen.add(((JsonObject) item).getString("id")));
      cursor = body.getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    List<String> expected = new ArrayList<>(weights);
    java.util.Collections.reverse(expected);
    expected.add(inPounds);
    assertEquals(expected, seen, "newest first, every weight once");

    JsonArray pounds = http.get(PROGRESS + "?kind=weight&to=" + now.minus(Duration.ofDays(30)), token).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, pounds.size());
    assertEquals(79.832, pounds.getJsonObject(0).getDouble("value"), 0.001);
    assertEquals("kg", pounds.getJsonObject(0).getString("unit"));
    JsonArray recent = http.get(PROGRESS + "?from=" + now.minus(Duration.ofDays(2)), token).bodyAsJsonObject().getJsonArray("items");
    assertEquals(Set.of("weight", "sleep_hours", "lift_1rm"), recent.stream().map(r -> ((JsonObject) r).getString("kind")).collect(Collectors.toSet()));
    JsonObject sleep = http.get(PROGRESS + "?kind=sleep_hours", token).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals(7.0, sleep.getDouble("value"));
    assertEquals("h", sleep.getString("unit"));
    assertEquals(400, http.get(PROGRESS + "?cursor=bm90LWEtY3Vyc29y", token).statusCode());
  }

  @Test
  @DisplayName("another user's progress record is 404 to delete and absent from their pages; the owner deletes it; a dot segment erases nothing")
  void noIdor() {
    String owner = http.token(user());
    String intruder = http.token(user());
    String id = record(owner, "resting_hr", 58, "bpm", null, null);
    assertEquals(404, http.delete(PROGRESS + "/" + id, intruder).statusCode());
    assertEquals(0, http.get(PROGRESS, intruder).bodyAsJsonObject().getJsonArray("items").size());
    assertEquals(1, http.get(PROGRESS, owner).bodyAsJsonObject().getJsonArray("items").size());
    // "/api/v1/me/progress/.." normalizes to "/api/v1/me": it must not erase the account.
    assertEquals(404, http.delete(PROGRESS + "/%2e%2e", owner).statusCode());
    assertEquals(1, http.get(PROGRESS, owner).bodyAsJsonObject().getJsonArray("items").size());
    assertEquals(204, http.delete(PROGRESS + "/" + id, owner).statusCode());
    assertEquals(404, http.delete(PROGRESS + "/" + id, owner).statusCode());
    assertEquals(0, http.get(PROGRESS, owner).bodyAsJsonObject().getJsonArray("items").size());
  }

  @Test
  @DisplayName("STELLA answers progress from the records: least-squares slope per week and the rate against the goal; WAVE uses sleep, BLAZE 1RMs")
  void trendsFromRecords() {
    String token = http.token(user());
    assertEquals(200, put(token, sage30()).statusCode());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    double[] kg = {84.0, 83.5, 83.0, 82.4, 82.0};
    for (int i = 0; i < kg.length; i++) {
      record(token, "weight", kg[i], "kg", now.minus(Duration.ofDays(28 - 7L * i)), null);
    }
    String stella = ask(token, http.newSession(token, "stella"), "How is my progress? Am I on track?");
    assertTrue(stella.contains("84 kg \u2192 82 kg, \u22120.5 kg a week (least-squares slope of 5 weigh-ins)"), stella);
    assertTrue(stella.contains("For fat loss that is right on pace"), stella);

    for (int i = 0; i < 7; i++) {
      record(token, "sleep_hours", 6 + i * 0.1, "h", now.minus(Duration.ofDays(7 - i)), null);
    }
    String wave = ask(token, http.newSession(token, "wave"), "How is my sleep lately?");
    assertTrue(wave.contains("Your sleep: 6.3 h a night on average"), wave);
    record(token, "lift_1rm", 100, "kg", now.minus(Duration.ofDays(21)), "bench press");
    record(token, "lift_1rm", 105, "kg", now, "bench press");
    String blaze = ask(token, http.newSession(token, "blaze"), "How is my bench progressing?");
    assertTrue(blaze.contains("bench press: 1RM 105 kg"), blaze);
  }

  @Test
  @DisplayName("the export holds the profile and every record; DELETE /api/v1/me erases both, in PostgreSQL and Redis")
  void exportAndErasure() {
    String me = user();
    String token = http.token(me);
    assertEquals(200, put(token, sage30()).statusCode());
    record(token, "weight", 80, "kg", null, null);
    record(token, "lift_1rm", 120, "kg", null, "squat");
    profile(token); // read through the caches: the profile now sits in Redis too
    HttpResponse<Buffer> exported = http.get("/api/v1/me/export", token);
    assertEquals(200, exported.statusCode(), exported::bodyAsString);
    JsonObject document = exported.bodyAsJsonObject();
    assertEquals(sage30(), document.getJsonObject("profile"));
    assertEquals(2, document.getJsonArray("progress").size());
    assertEquals("squat", document.getJsonArray("progress").getJsonObject(0).getString("exercise"));
    String cacheKey = "genesis:v1:profile:" + me;
    Poll.eventually(WAIT, () -> Await.result(redis.get(cacheKey), WAIT) != null, () -> "the test needs the profile cached in Redis");

    assertEquals(204, http.delete("/api/v1/me", token).statusCode());
    assertEquals(0L, rows("SELECT count(*) FROM profiles WHERE user_id = $1", Tuple.of(me)).get(0).getLong(0));
    assertEquals(0L, rows("SELECT count(*) FROM progress_records WHERE user_id = $1", Tuple.of(me)).get(0).getLong(0));
    assertNull(Await.result(redis.get(cacheKey), WAIT));
    assertEquals(new JsonObject(), profile(token));
    JsonObject after = http.get("/api/v1/me/export", token).bodyAsJsonObject();
    assertEquals(new JsonObject(), after.getJsonObject("profile"));
    assertEquals(0, after.getJsonArray("progress").size());
  }

  @Test
  @DisplayName("profile and record values are not plaintext at rest, in PostgreSQL or in Redis")
  void encryptedAtRest() {
    String me = user();
    String token = http.token(me);
    String marker = "Zone-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(200, put(token, sage30().put("timezone", "America/Argentina/Buenos_Aires")).statusCode());
    record(token, "lift_1rm", 140, "kg", null, "deadlift " + marker);
    profile(token);
    Row stored = rows("SELECT document, key_id FROM profiles WHERE user_id = $1", Tuple.of(me)).get(0);
    assertTrue(stored.getString("document").startsWith("gcm1:"), stored.getString("document"));
    assertFalse(stored.getString("document").contains("Buenos_Aires"));
    assertNotNull(stored.getString("key_id"));
    Row data = rows("SELECT data FROM progress_records WHERE user_id = $1", Tuple.of(me)).get(0);
    assertTrue(data.getString("data").startsWith("gcm1:"), data.getString("data"));
    assertFalse(data.getString("data").contains(marker));
    String cacheKey = "genesis:v1:profile:" + me;
    Poll.eventually(WAIT, () -> Await.result(redis.get(cacheKey), WAIT) != null, () -> "the profile was never cached in Redis");
    Response cached = Await.result(redis.get(cacheKey), WAIT);
    assertTrue(cached.toString().startsWith("gcm1:"), cached.toString());
    assertFalse(cached.toString().contains("Buenos_Aires"));
  }
}
