package io.genesis.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.PgPools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The retention job's cache invalidation: a batch of a thousand messages may touch a thousand
 * sessions. Rows are made with SQL (old messages of many sessions); steps are joined from the test thread.
 */
@DisplayName("Retention: cache invalidation of a large batch")
class RetentionCacheTest {
  private static final int SESSIONS = 600;
  private static Vertx vertx;
  private static Pool sql;
  private static RedisAPI redis;
  private static Redis redisClient;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sql = PgPools.create(vertx, TestSupport.services().pgUrl());
    redisClient = Redis.createClient(vertx, TestSupport.services().redisUrl());
    redis = RedisAPI.api(redisClient);
  }

  @AfterAll
  static void close() throws Exception {
    await(sql.close());
    await(redisClient.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("600 sessions in one batch: every cached copy is deleted, no Redis failure")
  void largeBatchClearsEveryCachedSession() throws Exception {
    SessionVerticle service = deploy(TestSupport.services().redisUrl());
    List<String> keys = sessionKeysWithOldMessages(SESSIONS);
    List<String> set = new ArrayList<>();
    keys.forEach(key -> {
      set.add(key);
      set.add("cached");
    });
    await(redis.mset(set));
    assertEquals(SESSIONS, await(redis.exists(keys)).toInteger(), "the sessions are cached before the run");

    RetentionJob.Run run = await(service.retention().runOnce());

    assertTrue(run.deleted() >= SESSIONS, "deleted " + run.deleted());
    assertEquals(0, await(redis.exists(keys)).toInteger(), "cached copies left after the run");
    assertEquals(0, run.cacheFailures());
  }

  @Test
  @DisplayName("Redis unreachable: the run still deletes, and counts and logs the failed invalidation")
  void redisFailureIsCounted() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SessionVerticle service = deploy("redis://127.0.0.1:" + closedPort);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    service.retention().bindMetrics(registry);
    sessionKeysWithOldMessages(3);

    RetentionJob.Run run = await(service.retention().runOnce());

    assertTrue(run.deleted() >= 3, "deleted " + run.deleted());
    assertEquals(1, run.cacheFailures(), "one batch, its invalidation failed");
    assertTrue(registry.get("genesis.retention.cache.failures").functionCounter().count() >= 1);
  }

  private static SessionVerticle deploy(String redisUrl) throws Exception {
    SessionVerticle service = new SessionVerticle();
    await(vertx.deployVerticle(service, TestSupport.options(TestSupport.services().pgUrl(), redisUrl,
        Map.of("GENESIS_RETENTION_DAYS", "30", "GENESIS_RETENTION_BATCH", "1000", "GENESIS_RETENTION_INTERVAL_SECONDS", "86400"))));
    return service;
  }

  /** {@code count} sessions of a new user, each with one message 40 days old; their Redis session keys. */
  private static List<String> sessionKeysWithOldMessages(int count) throws Exception {
    String user = TestSupport.userId();
    List<String> keys = new ArrayList<>();
    for (Row row : await(sql.preparedQuery("INSERT INTO sessions (id, user_id, title) "
        + "SELECT gen_random_uuid(), $1, NULL FROM generate_series(1, $2) RETURNING id").execute(Tuple.of(user, count)))) {
      keys.add(SessionCaches.KEY_PREFIX + "session:" + row.getUUID(0));
    }
    await(sql.preparedQuery("INSERT INTO messages (id, session_id, user_id, role, content, created_at) "
        + "SELECT gen_random_uuid(), id, user_id, 'user', 'old', now() - interval '40 days' FROM sessions WHERE user_id = $1")
        .execute(Tuple.of(user)));
    return keys;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
