package io.genesis.session.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cache invalidations between instances over Redis pub/sub. Each instance publishes what it
 * invalidated (tagged with its id) and listens on one dedicated connection; its own messages are
 * ignored. A dropped connection is re-established with a bounded backoff; after a re-subscription
 * {@code onResubscribed} runs, since invalidations may have been missed meanwhile.
 *
 * <p>One per process: the instances of the session service share it (and the L1 it clears). Its
 * connection's callbacks run on the context that started it; {@link #stop} may come from another.
 *
 * <p>vertx-redis-client 5.0.x hands pushed messages ({@code ["message", channel, payload]}, and the
 * {@code ["subscribe", channel, n]} confirmations) to {@link RedisConnection#handler}.
 */
public final class InvalidationBus {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidationBus.class);
  public static final String CHANNEL = "genesis:cache:invalidate";
  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 10_000;
  static final long PUBLISH_TIMEOUT_MS = 300;
  private static final String DELETE_THEN_PUBLISH =
      "redis.call('DEL', unpack(KEYS)) return redis.call('PUBLISH', ARGV[1], ARGV[2])";
  static final long FIRST_SUBSCRIBE_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final Redis subscriberClient;
  private final RedisAPI publisher;
  private final String instanceId;
  private final Consumer<JsonObject> onRemote;
  private final Runnable onResubscribed;
  private final Promise<Void> firstAttempt = Promise.promise();
  private volatile RedisConnection connection;
  private boolean subscribedOnce;
  private volatile boolean stopped;
  private long backoffMs = MIN_BACKOFF_MS;
  private volatile long reconnectTimer = -1;

  public InvalidationBus(Vertx vertx, Redis subscriberClient, RedisAPI publisher, String instanceId,
                         Consumer<JsonObject> onRemote, Runnable onResubscribed) {
    this.vertx = vertx;
    this.subscriberClient = subscriberClient;
    this.publisher = publisher;
    this.instanceId = instanceId;
    this.onRemote = onRemote;
    this.onResubscribed = onResubscribed;
  }

  /**
   * Subscribes; completes once the subscription is confirmed or the first attempt failed (then it
   * keeps retrying in the background: Redis down does not stop the service). Never fails.
   */
  public Future<Void> start() {
    connect();
    return firstAttempt.future().timeout(FIRST_SUBSCRIBE_WAIT_MS, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  /** Tells the other instances; never fails (they fall back on TTLs if Redis is down). */
  public Future<Void> publish(JsonObject event) {
    String payload = event.copy().put("origin", instanceId).encode();
    return publisher.publish(CHANNEL, payload)
        .timeout(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .otherwise(e -> {
          LOG.debug("cache invalidation not published: {}", e.toString());
          return null;
        });
  }

  /**
   * Deletes {@code keys} and then publishes {@code event}, in one Redis round trip (a script, so the
   * delete is done before any instance hears of it and could reload the old value). Never fails, as
   * {@link #publish}: the second pass and the TTLs bound what a lost one leaves stale.
   */
  public Future<Void> deleteThenPublish(List<String> keys, JsonObject event) {
    List<String> args = new ArrayList<>(keys.size() + 4);
    args.add(DELETE_THEN_PUBLISH);
    args.add(Integer.toString(keys.size()));
    args.addAll(keys);
    args.add(CHANNEL);
    args.add(event.copy().put("origin", instanceId).encode());
    return publisher.eval(args)
        .timeout(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .otherwise(e -> {
          LOG.debug("cache invalidation not applied in Redis: {}", e.toString());
          return null;
        });
  }

  /** As {@link #publish}, but fails when Redis did not take the message (erasure must know). */
  public Future<Void> publishOrFail(JsonObject event) {
    String payload = event.copy().put("origin", instanceId).encode();
    return publisher.publish(CHANNEL, payload).timeout(PUBLISH_TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(reconnectTimer);
    RedisConnection current = connection;
    connection = null;
    // the client itself belongs to RedisClients, which closes it
    return current == null ? Future.succeededFuture() : current.close().otherwiseEmpty();
  }

  public String instanceId() {
    return instanceId;
  }

  private void connect() {
    subscriberClient.connect()
        .compose(conn -> {
          if (stopped) {
            return conn.close();
          }
          connection = conn;
          conn.handler(this::onPush);
          conn.exceptionHandler(e -> LOG.debug("cache invalidation subscriber error: {}", e.toString()));
          conn.endHandler(v -> onLost(conn));
          return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).<Void>mapEmpty();
        })
        .onFailure(e -> {
          RedisConnection half = connection;
          connection = null;
          if (half != null) {
            half.close();
          }
          firstAttempt.tryComplete();
          if (backoffMs == MIN_BACKOFF_MS) {
            LOG.warn("cache invalidation subscriber cannot connect ({}); retrying every {}..{} ms",
                e.getMessage(), MIN_BACKOFF_MS, MAX_BACKOFF_MS);
          } else {
            LOG.debug("cache invalidation subscriber still cannot connect: {}", e.getMessage());
          }
          scheduleReconnect();
        });
  }

  private void onPush(Response push) {
    if (push == null || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    if ("message".equals(kind) && CHANNEL.equals(push.get(1).toString())) {
      onMessage(push.get(2).toString());
    } else if ("subscribe".equals(kind)) {
      onSubscribed();
    }
  }

  private void onMessage(String payload) {
    try {
      JsonObject event = new JsonObject(payload);
      if (!instanceId.equals(event.getString("origin"))) {
        onRemote.accept(event);
      }
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed cache invalidation: {}", e.getMessage());
    }
  }

  private void onSubscribed() {
    backoffMs = MIN_BACKOFF_MS;
    if (subscribedOnce) {
      LOG.info("cache invalidation subscriber re-subscribed; local caches cleared");
      onResubscribed.run();
    }
    subscribedOnce = true;
    firstAttempt.tryComplete();
  }

  private void onLost(RedisConnection lost) {
    if (stopped || lost != connection) {
      return;
    }
    connection = null;
    LOG.warn("cache invalidation subscriber disconnected; reconnecting in {} ms", backoffMs);
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    reconnectTimer = vertx.setTimer(delay, t -> connect());
  }
}
