package io.genesis.session;

import static io.genesis.session.TestSupport.appendMany;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AuditPage;
import io.genesis.common.bus.Messages.AuditView;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.ListAudit;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.session.db.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Steps are joined from the test thread; ages are set by moving rows back in time with SQL. */
@DisplayName("Retention: messages older than GENESIS_RETENTION_DAYS are deleted")
class RetentionTest {
  private static Vertx vertx;
  private static Pool sql;
  private static SessionVerticle service;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    service = new SessionVerticle();
    // A batch of 2 makes a run take several statements; the timer runs are a day apart.
    await(vertx.deployVerticle(service, TestSupport.options(TestSupport.services().pgUrl(), TestSupport.services().redisUrl(),
        Map.of("GENESIS_RETENTION_DAYS", "30", "GENESIS_RETENTION_BATCH", "2", "GENESIS_RETENTION_INTERVAL_SECONDS", "86400"))));
    sql = PgPools.create(vertx, TestSupport.services().pgUrl());
  }

  @AfterAll
  static void close() throws Exception {
    await(sql.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("old messages go in batches, recent ones stay, cached pages forget them, empty sessions stay, the run is audited")
  void deletesOldMessages() throws Exception {
    String user = userId();
    SessionView kept = await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, "sage", "mixed")));
    SessionView emptied = await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, "sage", "old")));
    List<MessageView> mixed = await(appendMany(vertx, user, kept.id(), 5));
    List<MessageView> old = await(appendMany(vertx, user, emptied.id(), 2));
    ageDays(40, mixed.get(0), mixed.get(1), mixed.get(2), old.get(0), old.get(1));
    ageDays(29, mixed.get(3));
    // Both first pages are now cached, still holding the messages about to go.
    assertEquals(5, page(user, kept.id()).items().size());
    assertEquals(2, page(user, emptied.id()).items().size());

    RetentionJob.Run run = await(service.retention().runOnce());

    assertTrue(run.deleted() >= 5, "deleted " + run.deleted());
    assertEquals(List.of(mixed.get(4).id(), mixed.get(3).id()), page(user, kept.id()).items().stream().map(MessageView::id).toList());
    assertEquals(List.of(), page(user, emptied.id()).items());
    SessionView stillThere = await(request(vertx, Addresses.SESSION_GET, new SessionRef(user, emptied.id())));
    assertEquals("old", stillThere.title());
    AuditView entry = await(TestSupport.<AuditPage>request(vertx, Addresses.AUDIT_LIST,
        new ListAudit(RetentionJob.ACTION, 1, null))).items().get(0);
    assertEquals("system", entry.actor());
    assertTrue(entry.details().startsWith("deleted " + run.deleted() + " messages older than 30 days"), entry.details());
    assertFalse(entry.at().isBefore(run.startedAt()));
  }

  @Test
  @DisplayName("a run with nothing to delete deletes nothing and announces itself; runs never overlap")
  void nothingToDelete() throws Exception {
    Future<JsonObject> announced = Future.future(promise -> vertx.eventBus().<JsonObject>localConsumer(Addresses.RETENTION_RAN,
        message -> promise.tryComplete(message.body())));
    Future<RetentionJob.Run> first = service.retention().runOnce();
    Future<RetentionJob.Run> second = service.retention().runOnce();
    RetentionJob.Run one = await(first);
    RetentionJob.Run two = await(second);
    assertFalse(two.startedAt().isBefore(one.startedAt()), "the second run starts after the first");
    assertEquals(0, two.deleted());
    assertTrue(await(announced).containsKey("deleted"));
  }

  private MessagePage page(String user, String sessionId) throws Exception {
    return await(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, sessionId, 20, null)));
  }

  private static void ageDays(int days, MessageView... messages) throws Exception {
    for (MessageView m : messages) {
      await(sql.preparedQuery("UPDATE messages SET created_at = created_at - make_interval(days => $2) WHERE id = $1")
          .execute(Tuple.of(UUID.fromString(m.id()), days)));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
