package io.genesis.session;

import static io.genesis.session.TestSupport.appendMany;
import static io.genesis.session.TestSupport.l1;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.stats;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.session.cache.InvalidationBus;
import io.genesis.session.cache.SessionCaches;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances, each in its own Vert.x (own event bus), sharing PostgreSQL and Redis: instance A is
 * the extension's Vert.x, instance B a second one.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Cache invalidation across instances")
class CacheInvalidationTest {
  private static Vertx second;

  @BeforeAll
  static void deployTwo(Vertx vertx, VertxTestContext ctx) {
    TestSupport.services();
    second = Vertx.vertx();
    Future.all(TestSupport.deploy(vertx), TestSupport.deploy(second)).onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void closeSecond(VertxTestContext ctx) {
    second.close().onComplete(ctx.succeedingThenComplete());
  }

  /** Completes with the first local SESSION_CACHE_INVALIDATED event on {@code vertx} that matches. */
  private static Future<Future<JsonObject>> awaitInvalidation(Vertx vertx, Predicate<JsonObject> matches) {
    Promise<JsonObject> seen = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.SESSION_CACHE_INVALIDATED);
    consumer.handler(message -> {
      if (matches.test(message.body())) {
        consumer.unregister();
        seen.tryComplete(message.body());
      }
    });
    return consumer.completion().map(v -> seen.future());
  }

  private static Predicate<JsonObject> about(String sessionId) {
    return event -> event.getJsonArray("sessionIds", new io.vertx.core.json.JsonArray()).contains(sessionId);
  }

  @Test
  @DisplayName("a write through instance A invalidates instance B's L1 (session and first message page)")
  void writeOnAInvalidatesB(Vertx a, VertxTestContext ctx) {
    String user = userId();
    TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, "nova", null))
        .compose(s -> {
          SessionRef ref = new SessionRef(user, s.id());
          ListMessages firstPage = new ListMessages(user, s.id(), 10, null);
          // B caches the session and the (empty) first page, and serves them again from L1
          return request(second, Addresses.SESSION_GET, ref)
              .compose(v -> request(second, Addresses.MESSAGE_LIST, firstPage))
              .compose(v -> request(second, Addresses.SESSION_GET, ref))
              .compose(v -> stats(second))
              .compose(before -> awaitInvalidation(second, about(s.id()))
                  .compose(invalidated -> appendMany(a, user, s.id(), 1)
                      .compose(appended -> invalidated.compose(event -> {
                        ctx.verify(() -> assertTrue(event.getJsonArray("caches").contains("messages")));
                        return request(second, Addresses.SESSION_GET, ref)
                            .compose(got -> request(second, Addresses.MESSAGE_LIST, firstPage)
                                .compose(page -> stats(second).map(after -> {
                                  ctx.verify(() -> {
                                    assertEquals(appended.get(0).createdAt(), ((SessionView) got).updatedAt());
                                    assertEquals(List.of(appended.get(0)), ((MessagePage) page).items());
                                    assertEquals(1, l1(after, "sessions", "misses") - l1(before, "sessions", "misses"));
                                    assertEquals(1, l1(after, "messages", "misses") - l1(before, "messages", "misses"));
                                  });
                                  return null;
                                })));
                      }))));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an append keeps the session as it left it in the appending instance's L1, and the other instance drops its copy")
  void appendOnAKeepsWrittenSessionInAAndInvalidatesB(Vertx a, VertxTestContext ctx) {
    String user = userId();
    TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, "nova", null))
        .compose(s -> {
          SessionRef ref = new SessionRef(user, s.id());
          return request(a, Addresses.SESSION_GET, ref)
              .compose(v -> request(second, Addresses.SESSION_GET, ref))
              .compose(v -> awaitInvalidation(second, about(s.id())))
              .compose(invalidated -> stats(a).compose(before -> appendMany(a, user, s.id(), 1)
                  .compose(appended -> invalidated
                      .compose(event -> request(a, Addresses.SESSION_GET, ref))
                      .compose(onA -> request(second, Addresses.SESSION_GET, ref)
                          .compose(onB -> stats(a).map(after -> {
                            ctx.verify(() -> {
                              assertEquals(appended.get(0).createdAt(), ((SessionView) onA).updatedAt());
                              assertEquals(onA, onB);
                              assertEquals(0, l1(after, "sessions", "misses") - l1(before, "sessions", "misses"),
                                  "A answered from the database, not from L1");
                            });
                            return null;
                          }))))));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("closing through B is seen by A at once")
  void closeOnBSeenByA(Vertx a, VertxTestContext ctx) {
    String user = userId();
    TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, null, "x"))
        .compose(s -> awaitInvalidation(a, about(s.id()))
            .compose(invalidated -> request(second, Addresses.SESSION_CLOSE, new SessionRef(user, s.id()))
                .compose(closed -> invalidated)
                .compose(event -> request(a, Addresses.SESSION_GET, new SessionRef(user, s.id())))))
        .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
          assertEquals(false, ((SessionView) got).active());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a dropped subscriber reconnects, clears its L1 and receives invalidations again")
  void subscriberReconnects(Vertx a, VertxTestContext ctx) {
    Redis admin = Redis.createClient(a, TestSupport.services().redisUrl());
    String user = userId();
    awaitInvalidation(second, event -> event.getBoolean("all", false))
        .compose(cleared -> RedisAPI.api(admin).client(List.of("KILL", "TYPE", "pubsub")).compose(killed -> cleared))
        .compose(cleared -> TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, null, null)))
        .compose(s -> awaitInvalidation(second, about(s.id()))
            .compose(invalidated -> request(a, Addresses.SESSION_CLOSE, new SessionRef(user, s.id()))
                .compose(v -> invalidated)))
        .eventually(admin::close)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("what instance A cached in Redis is an L2 hit for instance B (session and first page)")
  void sharedL2(Vertx a, VertxTestContext ctx) {
    String user = userId();
    TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, "stella", "goals"))
        .compose(s -> appendMany(a, user, s.id(), 3)
            // An append leaves the session it wrote in A's L1 only; a close drops it, so that A loads it (into L2).
            .compose(appended -> request(a, Addresses.SESSION_CLOSE, new SessionRef(user, s.id())))
            .compose(closed -> request(a, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, null)))
            .compose(loadedByA -> request(a, Addresses.SESSION_GET, new SessionRef(user, s.id())))
            .compose(sessionOnA -> stats(second).compose(before -> request(second, Addresses.SESSION_GET, new SessionRef(user, s.id()))
                .compose(got -> request(second, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 2, null))
                    .compose(page -> stats(second).map(after -> {
                      ctx.verify(() -> {
                        assertEquals(sessionOnA, got);
                        assertEquals(2, ((MessagePage) page).items().size());
                        assertEquals(1, l2(after, "sessions") - l2(before, "sessions"));
                        assertEquals(1, l2(after, "messages") - l2(before, "messages"));
                      });
                      return null;
                    }))))))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static long l2(JsonObject stats, String cache) {
    return stats.getJsonObject("caches").getJsonObject(cache).getJsonObject("l2").getLong("hits");
  }

  @Test
  @DisplayName("the channel is the documented one")
  void channelName() {
    assertEquals("genesis:cache:invalidate", InvalidationBus.CHANNEL);
  }

  @Test
  @DisplayName("a stale value a racing reader puts back into Redis after a write is cleared by the second pass")
  void secondPassClearsStaleRedisValue(Vertx a, VertxTestContext ctx) {
    String user = userId();
    Redis redis = Redis.createClient(a, TestSupport.services().redisUrl());
    java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
    // Sealed as the service seals L2 values (same key, the Redis key as associated data): a value it can read.
    Future<FieldCipher> cipher = a.executeBlocking(() -> FieldCipher.create(TestSupport.TEST_KEY, null));
    cipher.compose(sealer -> TestSupport.<SessionView>request(a, Addresses.SESSION_CREATE, new CreateSession(user, "wave", null))
        .compose(created -> {
          SessionRef ref = new SessionRef(user, created.id());
          String key = SessionCaches.KEY_PREFIX + "session:" + created.id();
          String stale = sealer.encrypt(key, io.genesis.common.json.Json.toString(created));
          return request(second, Addresses.SESSION_GET, ref)
              .compose(cached -> awaitInvalidation(second, about(created.id()).and(event -> seen.incrementAndGet() == 2)))
              .compose(secondPass -> request(a, Addresses.SESSION_CLOSE, ref)
                  // What a reader that loaded the row before the close would write back:
                  .compose(closed -> RedisAPI.api(redis).set(List.of(key, stale, "EX", "600")))
                  // Bounded, so that without a second pass the test fails on what B sees, not on a timeout.
                  .compose(staleWritten -> secondPass.timeout(5, java.util.concurrent.TimeUnit.SECONDS).otherwiseEmpty())
                  .compose(event -> request(second, Addresses.SESSION_GET, ref)))
              .map(got -> {
                ctx.verify(() -> assertEquals(false, ((SessionView) got).active(), "B no longer sees the stale session"));
                return got;
              });
        }))
        .eventually(() -> redis.close())
        .onComplete(ctx.succeedingThenComplete());
  }
}
