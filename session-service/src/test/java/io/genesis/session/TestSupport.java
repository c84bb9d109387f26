package io.genesis.session;

import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.embedded.TestServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.MessageView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Deploying the verticle against the test PostgreSQL and Redis, and talking to it over the bus. */
final class TestSupport {
  private TestSupport() {}

  static TestServices.Urls services() {
    return TestServices.get();
  }

  static String userId() {
    return "u-" + UUID.randomUUID();
  }

  /** A fixed AES-256 key for the suite (base64 of 32 bytes). */
  static final String TEST_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  static DeploymentOptions options(String pgUrl, String redisUrl) {
    return options(pgUrl, redisUrl, Map.of());
  }

  /** {@code extra} adds settings ({@code GENESIS_…} names), e.g. {@code GENESIS_RETENTION_DAYS}. */
  static DeploymentOptions options(String pgUrl, String redisUrl, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("GENESIS_PG_URL", pgUrl);
    env.put("GENESIS_REDIS_URL", redisUrl);
    env.putIfAbsent("GENESIS_ENCRYPTION_KEY", TEST_KEY);
    return new DeploymentOptions().setConfig(ConfigLoader.load(env).toJson());
  }

  static Future<String> deploy(Vertx vertx, String pgUrl, String redisUrl) {
    return vertx.deployVerticle(new SessionVerticle(), options(pgUrl, redisUrl));
  }

  static Future<String> deploy(Vertx vertx) {
    return deploy(vertx, services().pgUrl(), services().redisUrl());
  }

  static <T> Future<T> request(Vertx vertx, String address, Object body) {
    return vertx.eventBus().<T>request(address, body).map(Message::body);
  }

  /** The status a failed request carries (ReplyException failure code), or -1. */
  static int status(Throwable failure) {
    return failure instanceof ReplyException reply ? reply.failureCode() : -1;
  }

  /** Succeeds when {@code request} failed with {@code expected}; fails (with the reason) otherwise. */
  static Future<Void> expectStatus(Future<?> request, int expected) {
    return request.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected status " + expected + ", got " + ar.result()));
      }
      int actual = status(ar.cause());
      return actual == expected ? Future.succeededFuture()
          : Future.failedFuture(new AssertionError("expected status " + expected + ", got " + actual + ": " + ar.cause()));
    });
  }

  /** Appends {@code count} messages one after the other (user, agent, user, …); answers them in order. */
  static Future<List<MessageView>> appendMany(Vertx vertx, String userId, String sessionId, int count) {
    List<MessageView> appended = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      boolean user = i % 2 == 0;
      AppendMessage append = new AppendMessage(userId, sessionId, user ? "user" : "agent", user ? null : "blaze", "message " + i);
      chain = chain.compose(v -> TestSupport.<MessageView>request(vertx, Addresses.MESSAGE_APPEND, append)
          .map(m -> {
            appended.add(m);
            return null;
          }));
    }
    return chain.map(appended);
  }

  static Future<JsonObject> stats(Vertx vertx) {
    return request(vertx, Addresses.SESSION_STATS, io.genesis.common.bus.Messages.Empty.INSTANCE);
  }

  static long l1(JsonObject stats, String cache, String field) {
    return stats.getJsonObject("caches").getJsonObject(cache).getJsonObject("l1").getLong(field);
  }

  /** A small pool on another database of the test server (e.g. "postgres" to create databases). */
  static Pool adminPool(Vertx vertx, String database) {
    PgConnectOptions connect = PgConnectOptions.fromUri(urlFor(database));
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
  }

  /** The test server's URL with another database name. */
  static String urlFor(String database) {
    String url = services().pgUrl();
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + (query < 0 ? "" : url.substring(query));
  }

  static String freshDatabaseName(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
