package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.gateway.auth.Tokens;
import io.genesis.launcher.ReplyWire.Answer;
import io.genesis.launcher.ReplyWire.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stacks sharing PostgreSQL, Redis and the encryption key, with a detached bound of 1 s and a coach slow
 * enough that a reply takes some 3 s: a cut reply outlives the bound only while a resumed client reads it.
 */
@DisplayName("The detached bound against a resume: a reply read by a resumed client (on any gateway) runs past it, one nobody "
    + "resumes is cut at it")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetachedResumeTest {
  static final String CONTENT = ResumeTest.CONTENT;
  static final Duration WAIT = Duration.ofSeconds(30);
  static final long BOUND_MILLIS = 1_000;
  private static final Map<String, String> SLOW = Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "150",
      "GENESIS_DETACHED_REPLY_SECONDS", String.valueOf(BOUND_MILLIS / 1000));

  @TempDir
  static Path dataDir;

  private Genesis a;
  private Genesis b;
  private Vertx vertx;
  private ReplyWire wire;
  private Tokens tokens;

  @BeforeAll
  void start(Vertx vertx) {
    a = TestApp.start(dataDir, SLOW);
    b = TestApp.start(dataDir, SLOW);
    this.vertx = vertx;
    wire = new ReplyWire(vertx);
    tokens = new Tokens(vertx, TestApp.SECRET);
  }

  @AfterAll
  void stop() {
    b.close();
    a.close();
  }

  private String token() {
    return tokens.issue("bound-" + UUID.randomUUID(), List.of("user"), 600).token();
  }

  private String session(String token) {
    return new Http(vertx, a.httpPort()).newSession(token, "volt");
  }

  /** The cut stream's events, its resume read to the end, and how long that took from the cut. */
  private record Resumed(List<Event> before, Answer after, long millis) {}

  @Test
  @DisplayName("two replies cut after 2 deltas: the one resumed at once on the other gateway is read to done and is whole "
      + "(partial:false, stored whole) though the bound passed while it was read; the one nobody resumes is stored partial, "
      + "a prefix of it")
  void resumedOutlivesTheBound() {
    String token = token();
    String resumedSession = session(token);
    String leftSession = session(token);
    Future<Resumed> resumed = wire.sendAndHangUp(a.httpPort(), token, resumedSession, CONTENT, 2, Map.of())
        .compose(before -> {
          long cut = System.nanoTime();
          return wire.resume(b.httpPort(), token, resumedSession, replyId(before), String.valueOf(last(before).id()))
              .map(after -> new Resumed(before, after, (System.nanoTime() - cut) / 1_000_000));
        });
    Future<List<Event>> left = wire.sendAndHangUp(a.httpPort(), token, leftSession, CONTENT, 2, Map.of());
    Await.result(Future.all(resumed, left), WAIT);

    Resumed read = resumed.result();
    assertEquals(200, read.after().status(), read.after()::body);
    List<Event> after = read.after().events();
    assertEquals("done", last(after).name(), read.after()::body);
    JsonObject done = last(after).data();
    String whole = done.getString("content");
    assertFalse(done.getBoolean("partial"), () -> "cut at the bound while a resumed client read it: " + done.encode());
    assertTrue(whole.contains(ResumeTest.PHRASE), whole);
    assertEquals(ReplyWire.deltaText(read.before()) + ReplyWire.deltaText(after), whole);
    assertTrue(read.millis() > 2 * BOUND_MILLIS, "the resumed stream took " + read.millis() + " ms: the bound did not pass "
        + "while it was read (the coach is too fast for this test)");
    JsonObject storedWhole = Await.result(new SseClient(vertx, a.httpPort()).agentMessage(token, resumedSession, 200), WAIT);
    assertEquals(done.getString("id"), storedWhole.getString("id"));
    assertFalse(storedWhole.getBoolean("partial"), storedWhole::encode);
    assertEquals(whole, storedWhole.getString("content"));

    List<Event> leftBefore = left.result();
    assertFalse(last(leftBefore).name().equals("done"), "cut before its end");
    // stored once the bound cuts it, some 1 s after the cut: polled every 20 ms, at most 10 s
    JsonObject cutReply = Await.result(new SseClient(vertx, b.httpPort()).agentMessage(token, leftSession, 500), WAIT);
    assertEquals(replyId(leftBefore), cutReply.getString("id"));
    assertTrue(cutReply.getBoolean("partial"), cutReply::encode);
    String cut = cutReply.getString("content");
    assertTrue(cut.startsWith(ReplyWire.deltaText(leftBefore)) && cut.length() < whole.length() && whole.startsWith(cut),
        () -> "cut: " + cut + " / whole: " + whole);
  }

  private static String replyId(List<Event> events) {
    assertEquals("meta", events.get(0).name(), events::toString);
    return events.get(0).data().getString("replyId");
  }

  private static Event last(List<Event> events) {
    assertFalse(events.isEmpty(), "no events");
    return events.get(events.size() - 1);
  }
}
