package io.genesis.session;

import io.genesis.common.process.PerDeployment;
import io.genesis.session.cache.RedisClients;
import io.genesis.session.cache.SessionCaches;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the instances of one session-verticle deployment share (one instance per core): the migrated
 * schema, the field cipher, the Redis clients, the L1 caches with their one invalidation subscriber,
 * the retention job and the idempotency-key expiry. The first instance to start builds it (and binds its meters once); the last
 * to stop closes it. The PostgreSQL pool is shared through Vert.x itself (a named shared pool, see
 * {@link io.genesis.session.db.PgPools}): each instance holds a lease, so it closes with the last.
 */
final class SessionProcess {
  private static final String MAP = "genesis.session.process";

  /** Completed by the building instance once everything shared is ready. */
  final Promise<Shared> ready = Promise.promise();
  private final AtomicBoolean retentionStopped = new AtomicBoolean();
  private final AtomicBoolean expiryStopped = new AtomicBoolean();
  /** Set by the building instance as it creates them, so that the last one out closes what exists. */
  volatile RedisClients redis;
  volatile SessionCaches caches;
  volatile RetentionJob retention;
  volatile IdempotencyExpiry idempotencyExpiry;

  /** The state every instance serves with. */
  record Shared(FieldCipher cipher, RedisClients redis, SessionCaches caches, String instanceId) {}

  private SessionProcess() {}

  /** The deployment's shared state, and whether the caller is the instance that must build it. */
  static Joined join(Vertx vertx, Context context) {
    PerDeployment.Joined<SessionProcess> joined = PerDeployment.join(vertx, MAP, context, SessionProcess::new);
    return new Joined(joined.shared(), joined.first());
  }

  record Joined(SessionProcess process, boolean builds) {}

  /** The shared state once built, its callbacks on {@code context} (the instance's own event loop). */
  Future<Shared> shared(Context context) {
    Promise<Shared> here = Promise.promise();
    ready.future().onComplete(built -> context.runOnContext(now -> here.handle(built)));
    return here.future();
  }

  /** Stops the retention and idempotency-key expiry runs once, when the first instance begins to stop. */
  void stopRetention() {
    RetentionJob job = retention;
    if (job != null && retentionStopped.compareAndSet(false, true)) {
      job.stop();
    }
    IdempotencyExpiry expiry = idempotencyExpiry;
    if (expiry != null && expiryStopped.compareAndSet(false, true)) {
      expiry.stop();
    }
  }

  /** An instance stops; the last one closes the subscriber and the Redis clients. */
  Future<Void> leave(Vertx vertx, Context context) {
    if (!PerDeployment.leave(vertx, MAP, context)) {
      return Future.succeededFuture();
    }
    stopRetention();
    SessionCaches c = caches;
    RedisClients r = redis;
    Future<Void> cachesClosed = c == null ? Future.succeededFuture() : c.stop();
    return cachesClosed.eventually(() -> r == null ? Future.succeededFuture() : r.close());
  }
}
