package io.genesis.session;

import static io.genesis.session.TestSupport.expectStatus;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.ClaimResult;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.EraseUser;
import io.genesis.common.bus.Messages.ExportKeysRequest;
import io.genesis.common.bus.Messages.ExportedKey;
import io.genesis.common.bus.Messages.ExportedKeys;
import io.genesis.common.bus.Messages.GetMessages;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyOutcome;
import io.genesis.common.bus.Messages.IdempotencyRecord;
import io.genesis.common.bus.Messages.IdempotencyRelease;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessageList;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.id.Ids;
import io.genesis.session.db.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys, appends under a chosen id and messages by id, over the bus, against two instances of
 * the service in one Vert.x (as the launcher deploys one per core). Steps are joined from the test
 * thread; ages are set by moving rows back in time with SQL.
 */
@DisplayName("Idempotency keys and messages by id")
class IdempotencyTest {
  private static final int INSTANCES = 2;
  private static Vertx vertx;
  private static Pool sql;
  private static final List<SessionVerticle> VERTICLES = new CopyOnWriteArrayList<>();
  /** The event-loop threads that received each address's requests. */
  private static final Map<String, Set<String>> SERVED_ON = new ConcurrentHashMap<>();

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      SERVED_ON.computeIfAbsent(delivery.message().address(), a -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
      delivery.next();
    });
    await(vertx.deployVerticle(() -> {
      SessionVerticle verticle = new SessionVerticle();
      VERTICLES.add(verticle);
      return verticle;
    }, TestSupport.options(TestSupport.services().pgUrl(), TestSupport.services().redisUrl()).setInstances(INSTANCES)));
    sql = PgPools.create(vertx, TestSupport.services().pgUrl());
  }

  @AfterAll
  static void close() throws Exception {
    await(sql.close());
    await(vertx.close());
  }

  // ---- appends under a chosen id ----

  @Test
  @DisplayName("an append with an id, sent twice, stores one message and answers the same both times")
  void appendWithIdTwice() throws Exception {
    String user = userId();
    SessionView session = session(user);
    String id = Ids.newId().toString();
    MessageView first = append(new AppendMessage(user, session.id(), "user", null, "hello", false, id));
    MessageView second = append(new AppendMessage(user, session.id(), "user", null, "hello", false, id));
    assertEquals(id, first.id());
    assertEquals(first, second);
    assertEquals(1L, count("SELECT count(*) FROM messages WHERE session_id = $1", Tuple.of(UUID.fromString(session.id()))));
    MessagePage page = await(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, session.id(), 10, null)));
    assertEquals(List.of(first), page.items());
  }

  @Test
  @DisplayName("20 concurrent appends of one id store it once and all answer the stored message")
  void concurrentAppendsOfOneId() throws Exception {
    String user = userId();
    SessionView session = session(user);
    String id = Ids.newId().toString();
    List<Future<MessageView>> appends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      appends.add(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(user, session.id(), "agent", "nova", "reply", false, id)));
    }
    await(Future.all(appends));
    for (Future<MessageView> append : appends) {
      assertEquals(appends.get(0).result(), append.result());
    }
    assertEquals(1L, count("SELECT count(*) FROM messages WHERE session_id = $1", Tuple.of(UUID.fromString(session.id()))));
  }

  @Test
  @DisplayName("an id stored in another user's session is 'not found'; a malformed id is 400")
  void appendWithForeignOrBadId() throws Exception {
    String owner = userId();
    String other = userId();
    SessionView mine = session(owner);
    SessionView theirs = session(other);
    String id = Ids.newId().toString();
    append(new AppendMessage(owner, mine.id(), "user", null, "private", false, id));
    await(expectStatus(request(vertx, Addresses.MESSAGE_APPEND,
        new AppendMessage(other, theirs.id(), "user", null, "mine now?", false, id)), 404));
    await(expectStatus(request(vertx, Addresses.MESSAGE_APPEND,
        new AppendMessage(owner, mine.id(), "user", null, "x", false, "not-a-uuid")), 400));
    assertEquals(0L, count("SELECT count(*) FROM messages WHERE session_id = $1", Tuple.of(UUID.fromString(theirs.id()))));
  }

  // ---- messages by id ----

  @Test
  @DisplayName("MESSAGE_GET answers the messages in the order asked, leaves out missing ones, and 404s another user's session")
  void getMessages() throws Exception {
    String user = userId();
    SessionView session = session(user);
    List<MessageView> stored = await(TestSupport.appendMany(vertx, user, session.id(), 3));
    String missing = Ids.newId().toString();
    MessageList got = await(request(vertx, Addresses.MESSAGE_GET,
        new GetMessages(user, session.id(), List.of(stored.get(2).id(), missing, stored.get(0).id()))));
    assertEquals(List.of(stored.get(2), stored.get(0)), got.items());

    String intruder = userId();
    await(expectStatus(request(vertx, Addresses.MESSAGE_GET, new GetMessages(intruder, session.id(), List.of(stored.get(0).id()))), 404));
    SessionView intruderSession = session(intruder);
    MessageList none = await(request(vertx, Addresses.MESSAGE_GET,
        new GetMessages(intruder, intruderSession.id(), List.of(stored.get(0).id()))));
    assertEquals(List.of(), none.items(), "another session's messages are not found through one's own");
    await(expectStatus(request(vertx, Addresses.MESSAGE_GET, new GetMessages(user, session.id(), List.of("nope"))), 400));
  }

  // ---- claims ----

  @Test
  @DisplayName("100 concurrent claims of one key over two instances: exactly one claims, 99 see its record")
  void concurrentClaims() throws Exception {
    String user = userId();
    String key = "retry-" + Ids.newId();
    String session = Ids.newId().toString();
    List<Future<ClaimResult>> claims = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      claims.add(request(vertx, Addresses.IDEMPOTENCY_CLAIM, messagesClaim(user, key, session, "reply-" + i)));
    }
    await(Future.all(claims));
    List<ClaimResult> results = claims.stream().map(Future::result).toList();
    List<Integer> winners = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).claimed()) {
        winners.add(i);
      }
    }
    assertEquals(1, winners.size(), "exactly one claim wins");
    String winner = "reply-" + winners.get(0);
    for (ClaimResult result : results) {
      if (!result.claimed()) {
        assertEquals(winner, result.existing().replyId());
        assertTrue(result.existing().running());
        assertEquals(key, result.existing().key());
        assertEquals("digest", result.existing().digest());
      }
    }
    assertEquals(1L, count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", Tuple.of(user)));
    assertEquals(INSTANCES, SERVED_ON.get(Addresses.IDEMPOTENCY_CLAIM).size(), "claims served by every instance");
  }

  @Test
  @DisplayName("a key older than 24 h is claimed anew; a newer one is not")
  void expiredKeyClaimedAnew() throws Exception {
    String user = userId();
    String key = "k";
    String session = Ids.newId().toString();
    assertTrue(claim(messagesClaim(user, key, session, "first")).claimed());
    await(request(vertx, Addresses.IDEMPOTENCY_FINISH, new IdempotencyOutcome(user, key, "first", "{\"done\":true}")));
    backdate(user, key, "23 hours");
    assertFalse(claim(messagesClaim(user, key, session, "second")).claimed(), "23 h old: still held");
    backdate(user, key, "2 hours");
    assertTrue(claim(messagesClaim(user, key, session, "third")).claimed(), "25 h old: expired");
    IdempotencyRecord now = claim(messagesClaim(user, key, session, "fourth")).existing();
    assertEquals("third", now.replyId());
    assertNull(now.outcome(), "the old outcome is gone with its claim");
  }

  @Test
  @DisplayName("a running claim older than 10 minutes is taken over when its message was never stored, not when it was")
  void staleClaims() throws Exception {
    String user = userId();
    SessionView session = session(user);
    IdempotencyClaim crashed = messagesClaim(user, "crashed", session.id(), "a");
    assertTrue(claim(crashed).claimed());
    backdate(user, "crashed", "11 minutes");
    assertTrue(claim(messagesClaim(user, "crashed", session.id(), "b")).claimed(), "nothing stored: taken over");

    IdempotencyClaim slow = messagesClaim(user, "slow", session.id(), "c");
    assertTrue(claim(slow).claimed());
    append(new AppendMessage(user, session.id(), "user", null, "hi", false, slow.messageId()));
    backdate(user, "slow", "11 minutes");
    ClaimResult again = claim(messagesClaim(user, "slow", session.id(), "d"));
    assertFalse(again.claimed(), "its message is stored: the key stays with it");
    assertEquals("c", again.existing().replyId());
  }

  @Test
  @DisplayName("release frees only a running claim of the same attempt")
  void release() throws Exception {
    String user = userId();
    String session = Ids.newId().toString();
    assertTrue(claim(messagesClaim(user, "r", session, "a")).claimed());
    await(request(vertx, Addresses.IDEMPOTENCY_RELEASE, new IdempotencyRelease(user, "r", "other-attempt")));
    assertEquals("a", claim(messagesClaim(user, "r", session, "b")).existing().replyId(), "another attempt's release: kept");
    await(request(vertx, Addresses.IDEMPOTENCY_RELEASE, new IdempotencyRelease(user, "r", "a")));
    assertTrue(claim(messagesClaim(user, "r", session, "c")).claimed(), "released by its attempt: free");

    await(request(vertx, Addresses.IDEMPOTENCY_FINISH, new IdempotencyOutcome(user, "r", "c", "{}")));
    await(request(vertx, Addresses.IDEMPOTENCY_RELEASE, new IdempotencyRelease(user, "r", "c")));
    ClaimResult finished = claim(messagesClaim(user, "r", session, "d"));
    assertFalse(finished.claimed(), "a finished key is not released");
    assertEquals("{}", finished.existing().outcome());
  }

  @Test
  @DisplayName("finish then claim answers the outcome decrypted; the column holds ciphertext, not the outcome")
  void outcomeEncrypted() throws Exception {
    String user = userId();
    String key = "Key-With-Case";
    String outcome = "{\"message\":\"secret reply text\",\"status\":201}";
    IdempotencyClaim first = new IdempotencyClaim(user, key, Messages.IDEMPOTENCY_COMPLETIONS, "d1", null, null, "chatcmpl-1");
    assertTrue(claim(first).claimed());
    await(request(vertx, Addresses.IDEMPOTENCY_FINISH, new IdempotencyOutcome(user, key, "chatcmpl-1", outcome)));
    ClaimResult retry = claim(new IdempotencyClaim(user, key, Messages.IDEMPOTENCY_COMPLETIONS, "d1", null, null, "chatcmpl-2"));
    assertFalse(retry.claimed());
    assertEquals(outcome, retry.existing().outcome());
    assertEquals("chatcmpl-1", retry.existing().replyId());
    assertNull(retry.existing().sessionId());
    assertTrue(claim(new IdempotencyClaim(user, "key-with-case", Messages.IDEMPOTENCY_COMPLETIONS, "d1", null, null, "x")).claimed(),
        "keys are case-sensitive");

    Row row = await(sql.preparedQuery("SELECT outcome, key_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
        .execute(Tuple.of(user, key))).iterator().next();
    String stored = row.getString("outcome");
    assertNotNull(row.getString("key_id"));
    assertTrue(stored.startsWith("gcm1:"), stored);
    assertFalse(stored.contains("secret"), "no plaintext in the column");
  }

  @Test
  @DisplayName("malformed claims are 400: empty or too long key, unknown route, a messages claim without ids")
  void badClaims() throws Exception {
    String user = userId();
    String session = Ids.newId().toString();
    await(expectStatus(request(vertx, Addresses.IDEMPOTENCY_CLAIM, messagesClaim(user, "", session, "a")), 400));
    await(expectStatus(request(vertx, Addresses.IDEMPOTENCY_CLAIM, messagesClaim(user, "x".repeat(256), session, "a")), 400));
    assertTrue(claim(messagesClaim(user, "x".repeat(255), session, "a")).claimed());
    await(expectStatus(request(vertx, Addresses.IDEMPOTENCY_CLAIM,
        new IdempotencyClaim(user, "k", "chat", "d", null, null, "a")), 400));
    await(expectStatus(request(vertx, Addresses.IDEMPOTENCY_CLAIM,
        new IdempotencyClaim(user, "k", Messages.IDEMPOTENCY_MESSAGES, "d", null, null, "a")), 400));
  }

  // ---- privacy and expiry ----

  @Test
  @DisplayName("erasure deletes the user's keys and leaves another user's")
  void erasure() throws Exception {
    String user = userId();
    String other = userId();
    String session = Ids.newId().toString();
    for (int i = 0; i < 3; i++) {
      claim(messagesClaim(user, "e" + i, session, "r" + i));
    }
    claim(messagesClaim(other, "e0", session, "r0"));
    await(request(vertx, Addresses.USER_ERASE, new EraseUser(user)));
    assertEquals(0L, count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", Tuple.of(user)));
    assertEquals(1L, count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", Tuple.of(other)));
  }

  @Test
  @DisplayName("the export lists the user's unexpired keys oldest first, without digest, with a completion's kept answer")
  void exportKeys() throws Exception {
    String user = userId();
    String session = Ids.newId().toString();
    IdempotencyClaim a = messagesClaim(user, "a", session, "ra");
    claim(a);
    claim(new IdempotencyClaim(user, "b", Messages.IDEMPOTENCY_COMPLETIONS, "d", null, null, "rb"));
    await(request(vertx, Addresses.IDEMPOTENCY_FINISH, new IdempotencyOutcome(user, "b", "rb",
        "{\"completion\":{\"id\":\"rb\",\"object\":\"chat.completion\"}}")));
    claim(messagesClaim(user, "old", session, "ro"));
    backdate(user, "old", "25 hours");
    claim(messagesClaim(userId(), "a", session, "someone else's"));
    ExportedKeys keys = await(request(vertx, Addresses.USER_EXPORT_KEYS, new ExportKeysRequest(user)));
    assertEquals(List.of("a", "b"), keys.items().stream().map(ExportedKey::key).toList());
    ExportedKey first = keys.items().get(0);
    assertEquals(new ExportedKey("a", Messages.IDEMPOTENCY_MESSAGES, session, a.messageId(), "ra", first.createdAt(), null), first);
    assertNull(keys.items().get(1).sessionId());
    assertEquals("chat.completion", keys.items().get(1).completion().path("object").asText());
  }

  @Test
  @DisplayName("the expiry job deletes keys older than 24 h and keeps newer ones")
  void expiryJob() throws Exception {
    String user = userId();
    String session = Ids.newId().toString();
    claim(messagesClaim(user, "old", session, "r1"));
    claim(messagesClaim(user, "new", session, "r2"));
    backdate(user, "old", "25 hours");
    long deleted = await(VERTICLES.get(0).idempotencyExpiry().runOnce());
    assertTrue(deleted >= 1, "deleted " + deleted);
    assertEquals(1L, count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", Tuple.of(user)));
    assertEquals(1L, count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key = 'new'", Tuple.of(user)));
  }

  // ---- helpers ----

  private static IdempotencyClaim messagesClaim(String user, String key, String sessionId, String replyId) {
    return new IdempotencyClaim(user, key, Messages.IDEMPOTENCY_MESSAGES, "digest", sessionId, Ids.newId().toString(), replyId);
  }

  private static ClaimResult claim(IdempotencyClaim claim) throws Exception {
    return await(request(vertx, Addresses.IDEMPOTENCY_CLAIM, claim));
  }

  private static SessionView session(String user) throws Exception {
    return await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, null)));
  }

  private static MessageView append(AppendMessage append) throws Exception {
    return await(request(vertx, Addresses.MESSAGE_APPEND, append));
  }

  private static void backdate(String user, String key, String interval) throws Exception {
    await(sql.preparedQuery("UPDATE idempotency_keys SET created_at = created_at - interval '" + interval + "' "
        + "WHERE user_id = $1 AND key = $2").execute(Tuple.of(user, key)));
  }

  private static long count(String query, Tuple args) throws Exception {
    return await(sql.preparedQuery(query).execute(args)).iterator().next().getLong(0);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
