package io.genesis.session;

import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.session.cache.InvalidationBus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One deployment of two instances in one Vert.x, as the launcher deploys one per core: whichever
 * instance answers, a read sees the write just acknowledged, the L1 is one, and an invalidation from
 * another process is applied to it once. Steps are joined from the test thread.
 */
@DisplayName("Session service with several instances in one process")
class InstancesTest {
  private static final int INSTANCES = 2;
  private static final int ROUNDS = 40;
  private static Vertx vertx;
  /** The event-loop threads that received each address's requests. */
  private static final Map<String, Set<String>> SERVED_ON = new ConcurrentHashMap<>();

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      SERVED_ON.computeIfAbsent(delivery.message().address(), a -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
      delivery.next();
    });
    await(vertx.deployVerticle(() -> new SessionVerticle(), TestSupport.options(TestSupport.services().pgUrl(),
        TestSupport.services().redisUrl()).setInstances(INSTANCES)));
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("an append then an immediate get and first page show it, whichever instance answers each")
  void readsSeeTheAppendOnEveryInstance() throws Exception {
    String user = userId();
    SessionView session = await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, "nova", null)));
    for (int i = 0; i < ROUNDS; i++) {
      MessageView appended = await(request(vertx, Addresses.MESSAGE_APPEND,
          new AppendMessage(user, session.id(), "user", null, "message " + i)));
      Future<SessionView> got = request(vertx, Addresses.SESSION_GET, new SessionRef(user, session.id()));
      Future<MessagePage> page = request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, session.id(), 5, null));
      await(Future.all(got, page));
      assertEquals(appended.createdAt(), got.result().updatedAt(), "round " + i + ": the session as the append left it");
      assertEquals(appended.id(), page.result().items().get(0).id(), "round " + i + ": the new message first");
      assertEquals(Math.min(i + 1, 5), page.result().items().size(), "round " + i);
    }
    for (String address : new String[] {Addresses.MESSAGE_APPEND, Addresses.SESSION_GET, Addresses.MESSAGE_LIST}) {
      assertEquals(INSTANCES, SERVED_ON.get(address).size(), address + " served on " + SERVED_ON.get(address));
    }
  }

  @Test
  @DisplayName("the instances share one L1: a session cached through one is a hit through every other")
  void oneL1() throws Exception {
    String user = userId();
    SessionView session = await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, "shared")));
    JsonObject before = cacheStats();
    for (int i = 0; i < 10; i++) {
      await(request(vertx, Addresses.SESSION_GET, new SessionRef(user, session.id())));
    }
    JsonObject after = cacheStats();
    assertEquals(10, delta(before, after, "hits"), "every read a hit in the L1 the create filled");
    assertEquals(0, delta(before, after, "misses"));
  }

  @Test
  @DisplayName("an invalidation from another process is applied once, to the one L1, then one read reloads it")
  void remoteInvalidationAppliedOnce() throws Exception {
    String user = userId();
    SessionView session = await(request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, null, "remote")));
    String marker = UUID.randomUUID().toString();
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger markers = new AtomicInteger();
    Promise<Void> markerSeen = Promise.promise();
    MessageConsumer<JsonObject> events = vertx.eventBus().consumer(Addresses.SESSION_CACHE_INVALIDATED, message -> {
      JsonArray ids = message.body().getJsonArray("sessionIds", new JsonArray());
      if (ids.contains(session.id())) {
        applied.incrementAndGet();
      } else if (ids.contains(marker) && markers.incrementAndGet() == 1) {
        markerSeen.complete();
      }
    });
    await(events.completion());
    Redis client = Redis.createClient(vertx, TestSupport.services().redisUrl());
    try {
      RedisAPI redis = RedisAPI.api(client);
      // One connection delivers in order: once the marker is applied, so is the invalidation before it.
      await(redis.publish(InvalidationBus.CHANNEL, remote(session.id()))
          .compose(v -> redis.publish(InvalidationBus.CHANNEL, remote(marker))));
      await(markerSeen.future());
    } finally {
      await(client.close());
      await(events.unregister());
    }
    assertEquals(1, applied.get(), "one subscriber per process");
    assertEquals(1, markers.get());
    JsonObject before = cacheStats();
    for (int i = 0; i < 10; i++) {
      await(request(vertx, Addresses.SESSION_GET, new SessionRef(user, session.id())));
    }
    JsonObject after = cacheStats();
    assertEquals(1, delta(before, after, "misses"), "dropped from the one L1, reloaded once");
    assertEquals(9, delta(before, after, "hits"));
  }

  private static String remote(String sessionId) {
    return new JsonObject().put("sessionIds", new JsonArray().add(sessionId))
        .put("caches", new JsonArray().add("sessions").add("messages")).put("origin", "another-process").encode();
  }

  private static JsonObject cacheStats() throws Exception {
    return await(request(vertx, Addresses.SESSION_CACHE_STATS, Empty.INSTANCE));
  }

  private static long delta(JsonObject before, JsonObject after, String field) {
    return l1(after, field) - l1(before, field);
  }

  private static long l1(JsonObject stats, String field) {
    return stats.getJsonObject("sessions").getJsonObject("l1").getLong(field);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
