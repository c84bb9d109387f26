package io.genesis.session;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Contracts;
import io.genesis.common.bus.Messages.AddProgress;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CoachingContextRequest;
import io.genesis.common.bus.Messages.GetProfile;
import io.genesis.common.bus.Messages.ListProgress;
import io.genesis.common.bus.Messages.PatchProfile;
import io.genesis.common.bus.Messages.ProgressRef;
import io.genesis.common.bus.Messages.PutProfile;
import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.ListAudit;
import io.genesis.common.bus.Messages.EraseUser;
import io.genesis.common.bus.Messages.ExportKeysRequest;
import io.genesis.common.bus.Messages.ExportPageRequest;
import io.genesis.common.bus.Messages.GetMessages;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyOutcome;
import io.genesis.common.bus.Messages.IdempotencyRelease;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.ListSessions;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.common.metrics.Meters;
import io.genesis.common.metrics.RequestTimings;
import io.genesis.session.cache.RedisClients;
import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.AuditRepository;
import io.genesis.session.db.CoachingRepository;
import io.genesis.session.db.Deadline;
import io.genesis.session.db.IdempotencyRepository;
import io.genesis.common.crypto.FieldCipher;
import io.genesis.session.db.Migrations;
import io.genesis.session.db.PgPools;
import io.genesis.session.db.SessionRepository;
import io.genesis.common.config.ShutdownDeadline;
import io.genesis.common.process.StartupSteps;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session service: sessions and messages in PostgreSQL, cached in Caffeine and Redis, served on
 * the {@code genesis.session.*} event-bus addresses (see {@link Addresses}). Config: a
 * {@link GenesisConfig} as JSON, of which it reads {@code pgUrl}, {@code redisUrl},
 * {@code encryptionKey} and {@code privacy.encryptionOldKeys} (see {@link FieldCipher}).
 *
 * <p>Start fails when the schema cannot be migrated or the database queried within GENESIS_START_TIMEOUT
 * (each step retried with backoff until then); Redis down at start is tolerated (caches miss, the subscriber retries). Failed requests carry the HTTP status the
 * gateway should answer: 400 bad input, 404 no such session of this user, 409 append to a closed
 * session (or an idempotency key that changed hands twice during its claim: retry), 503 database unavailable, 500 a bug. Health never fails: it names the failing check.
 *
 * <p>Deployed with one instance per core: each registers the same consumers (the event bus takes turns
 * between them) and serves on its own event loop; they share the schema migration, the cipher, the
 * caches and their subscriber, the retention job and the idempotency-key expiry ({@link SessionProcess}) and
 * the PostgreSQL pool.
 */
public final class SessionVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
  /** Past the shutdown deadline, how long gateways elsewhere may take to store the replies they cut. */
  private static final long REMOTE_SETTLE_MILLIS = 3_000;
  /** How long one attempt of a quick start-up step (key, first query, Redis) may take. */
  private static final long STEP_ATTEMPT_MILLIS = 5_000;
  /** A plain failure: {@link Failures} makes it the usual 503 ("session store unavailable"). */
  private static final Throwable STORE_TIMED_OUT = new java.util.concurrent.TimeoutException("the session store did not answer in time");

  private final boolean servesOtherProcesses;
  private long shutdownGraceMillis;
  private long storeTimeoutMillis;
  private MessageConsumer<?> healthConsumer;

  private Pool pool;
  private SessionProcess process;

  public SessionVerticle() {
    this(false);
  }

  /**
   * @param servesOtherProcesses no gateway runs in this process: when stopping, keep serving (health
   *     answering DOWN) until the shutdown grace is over and a little past it, so that gateways in other
   *     processes, draining at the same time, can still store the replies they cut
   */
  public SessionVerticle(boolean servesOtherProcesses) {
    this.servesOtherProcesses = servesOtherProcesses;
  }

  @Override
  public Future<?> start() {
    Contracts.register(vertx);
    GenesisConfig config = GenesisConfig.fromJson(config());
    shutdownGraceMillis = config.shutdownGraceMillis();
    storeTimeoutMillis = config.overload().storeTimeoutMillis();
    require("GENESIS_PG_URL", config.pgUrl());
    require("GENESIS_REDIS_URL", config.redisUrl());
    require("GENESIS_ENCRYPTION_KEY", config.encryptionKey());
    SessionProcess.Joined joined = SessionProcess.join(vertx, context);
    process = joined.process();
    // This instance's lease of the process's one pool: it opens no connection until the first query,
    // after the migration, and nothing is served before every step below is done.
    pool = PgPools.create(vertx, config.pgUrl());
    if (joined.builds()) {
      buildShared(config, pool).onComplete(process.ready);
    }
    return process.shared(context)
        .compose(shared -> startWith(shared, config, joined.builds()))
        .recover(e -> closeAll().transform(closed -> Future.failedFuture(e)));
  }

  /**
   * Once per process: the schema, the cipher, a first query, the Redis clients, the caches and their
   * subscriber. Each step is bounded and retried with backoff under GENESIS_START_TIMEOUT, so that
   * replicas started at once (taking turns on the migration) or before their database is up come up,
   * and a start that cannot succeed fails naming its step instead of waiting.
   */
  private Future<SessionProcess.Shared> buildShared(GenesisConfig config, Pool firstLease) {
    StartupSteps steps = new StartupSteps(vertx, "session-service", config.startup().startTimeoutMillis());
    String database = "GENESIS_PG_URL " + PgPools.describe(config.pgUrl());
    // One migration attempt may take what is left of the budget: it is blocking JDBC, which a second
    // attempt beside it would only slow down (Flyway bounds its own wait for another replica's lock).
    return steps.run("migrate the database schema (" + database + ")", Long.MAX_VALUE, Migrations::retryable,
            () -> Migrations.run(vertx, config.pgUrl()))
        .compose(applied -> steps.run("load GENESIS_ENCRYPTION_KEY", STEP_ATTEMPT_MILLIS, e -> !(e instanceof ConfigException),
            () -> FieldCipher.create(vertx, config)))
        .compose(cipher -> steps.run("query the database (" + database + ")", STEP_ATTEMPT_MILLIS, e -> true,
            () -> newestKeyId(firstLease)).map(newest -> {
              warnIfUnknown(newest, cipher);
              return cipher;
            }))
        .compose(cipher -> steps.run("connect to Redis", STEP_ATTEMPT_MILLIS, e -> false,
            () -> RedisClients.create(vertx, config.redisUrl())).compose(clients -> {
              process.redis = clients;
              String instanceId = Ids.newId().toString();
              SessionCaches caches = new SessionCaches(vertx, RedisAPI.api(clients.pooled()), clients.subscriber(), instanceId, cipher);
              process.caches = caches;
              caches.bindMetrics(Meters.registry(vertx));
              return steps.run("subscribe to cache invalidations", STEP_ATTEMPT_MILLIS, e -> false, caches::start)
                  .map(v -> new SessionProcess.Shared(cipher, clients, caches, instanceId));
            }));
  }

  /**
   * The key id of the newest stored message (null: none, or plaintext): the first query, which also
   * opens the pool's first connection. Through the pool's own query path, whose wait for a connection
   * is bounded and cancellable (see {@link PgPools}).
   */
  private static Future<String> newestKeyId(Pool pool) {
    return pool.query("SELECT key_id FROM messages ORDER BY id DESC LIMIT 1").execute()
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** A replica started with another key than the one its peers write with would fail to read their data. */
  private static void warnIfUnknown(String newestKeyId, FieldCipher cipher) {
    if (newestKeyId != null && !cipher.knows(newestKeyId)) {
      LOG.warn("GENESIS_ENCRYPTION_KEY: the newest stored message is encrypted under key id {}, which is neither this "
          + "process's key (id {}) nor in GENESIS_ENCRYPTION_OLD_KEYS: messages under it cannot be read here; give every "
          + "session service and gateway of a deployment the same key", newestKeyId, cipher.keyId());
    }
  }

  private Future<?> startWith(SessionProcess.Shared shared, GenesisConfig config, boolean builds) {
    SessionCaches caches = shared.caches();
    RedisAPI redisApi = RedisAPI.api(shared.redis().pooled());
    SessionRepository repository = new SessionRepository(pool, shared.cipher());
    SessionService service = new SessionService(repository, caches);
    HealthProbe health = new HealthProbe(repository, redisApi);
    AuditService audit = new AuditService(new AuditRepository(pool));
    UserExport export = new UserExport(repository);
    IdempotencyRepository keys = new IdempotencyRepository(pool, shared.cipher());
    CoachingRepository coachingRows = new CoachingRepository(pool, shared.cipher());
    UserErasure erasure = new UserErasure(repository, keys, coachingRows, caches, audit, config.http().replyEventsTtlSeconds());
    return register(service, caches, health, export, erasure)
        .compose(v -> registerCoaching(new CoachingService(coachingRows, caches)))
        .compose(v -> registerAudit(audit))
        .compose(v -> registerIdempotency(new IdempotencyService(keys)))
        .onSuccess(v -> {
          if (builds) {
            // One retention job per process, on this instance's event loop and pool lease.
            RetentionJob retention = new RetentionJob(vertx, repository, caches, audit, config.privacy());
            retention.bindMetrics(Meters.registry(vertx));
            process.retention = retention;
            retention.start();
            IdempotencyExpiry expiry = new IdempotencyExpiry(vertx, keys);
            process.idempotencyExpiry = expiry;
            expiry.start();
            LOG.info("session service {} ready (encryption key id {})", shared.instanceId(), shared.cipher().keyId());
          }
        });
  }

  @Override
  public Future<?> stop() {
    if (process != null) {
      process.stopRetention();
    }
    if (!servesOtherProcesses || healthConsumer == null) {
      return closeAll(); // the gateway of this process has stored its replies by now: the pools close last
    }
    long holdMillis = ShutdownDeadline.start(vertx, shutdownGraceMillis) + REMOTE_SETTLE_MILLIS;
    LOG.info("shutting down: still serving for {} ms so that gateways elsewhere can store their cut replies", holdMillis);
    Promise<Void> held = Promise.promise();
    healthConsumer.unregister();
    vertx.setTimer(holdMillis, timer -> held.complete());
    return held.future().compose(v -> closeAll());
  }

  /** The retention job of this process (tests run it on demand). */
  RetentionJob retention() {
    return process == null ? null : process.retention;
  }

  /** The idempotency-key expiry of this process (tests run it on demand). */
  IdempotencyExpiry idempotencyExpiry() {
    return process == null ? null : process.idempotencyExpiry;
  }

  private Future<?> registerIdempotency(IdempotencyService idempotency) {
    return Future.all(List.of(serve(Addresses.IDEMPOTENCY_CLAIM, IdempotencyClaim.class, idempotency::claim).completion(),
        serve(Addresses.IDEMPOTENCY_FINISH, IdempotencyOutcome.class, idempotency::finish).completion(),
        serve(Addresses.IDEMPOTENCY_RELEASE, IdempotencyRelease.class, idempotency::release).completion(),
        serveUntimed(Addresses.USER_EXPORT_KEYS, ExportKeysRequest.class, idempotency::export).completion()));
  }

  private Future<?> registerCoaching(CoachingService coaching) {
    return Future.all(List.of(serve(Addresses.PROFILE_GET, GetProfile.class, coaching::profile).completion(),
        serve(Addresses.PROFILE_PUT, PutProfile.class, coaching::put).completion(),
        serve(Addresses.PROFILE_PATCH, PatchProfile.class, coaching::patch).completion(),
        serve(Addresses.PROGRESS_ADD, AddProgress.class, coaching::add).completion(),
        serve(Addresses.PROGRESS_LIST, ListProgress.class, coaching::list).completion(),
        serve(Addresses.PROGRESS_DELETE, ProgressRef.class, coaching::delete).completion(),
        serve(Addresses.COACHING_CONTEXT, CoachingContextRequest.class, coaching::context).completion()));
  }

  private Future<?> registerAudit(AuditService audit) {
    return Future.all(serve(Addresses.AUDIT_RECORD, AuditEntry.class, audit::record).completion(),
        serve(Addresses.AUDIT_LIST, ListAudit.class, audit::list).completion());
  }

  private Future<?> register(SessionService service, SessionCaches caches, HealthProbe health, UserExport export,
                             UserErasure erasure) {
    healthConsumer = serveUntimed(Addresses.SESSION_HEALTH, Object.class, any -> health.check());
    List<MessageConsumer<?>> consumers = List.of(
        serve(Addresses.SESSION_CREATE, CreateSession.class, service::create),
        serve(Addresses.SESSION_LIST, ListSessions.class, service::list),
        serve(Addresses.SESSION_GET, SessionRef.class, service::get),
        serve(Addresses.SESSION_CLOSE, SessionRef.class, service::close),
        serve(Addresses.SESSION_SET_AGENT, SetSessionAgent.class, service::setAgent),
        serve(Addresses.MESSAGE_APPEND, AppendMessage.class, service::append),
        serve(Addresses.MESSAGE_LIST, ListMessages.class, service::listMessages),
        serve(Addresses.MESSAGE_GET, GetMessages.class, service::getMessages),
        serve(Addresses.SESSION_STATS, Object.class, any -> service.stats()),
        serve(Addresses.SESSION_CACHE_STATS, Object.class, any -> Future.succeededFuture(caches.stats())),
        healthConsumer,
        serveUntimed(Addresses.USER_EXPORT_PAGE, ExportPageRequest.class, export::page),
        serveUntimed(Addresses.USER_ERASE, EraseUser.class, erasure::erase));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** Replies with the handler's result, or fails the message with the status of its failure. */
  private <T, R> MessageConsumer<Object> serve(String address, Class<T> type, Function<T, Future<R>> handler) {
    return serve(address, type, (request, deadline) -> handler.apply(request));
  }

  /**
   * {@link #serve(String, Class, Function)} for work that may wait on PostgreSQL: past {@code storeTimeoutMillis}
   * the request is answered 503 at once (a frozen server answers nothing, so nothing else would fire), unless a
   * write of it has committed: then its answer waits for the rest, whose own steps are bounded.
   */
  private <T, R> MessageConsumer<Object> serve(String address, Class<T> type, BiFunction<T, Deadline, Future<R>> handler) {
    return vertx.eventBus().consumer(address, message -> {
      long started = System.nanoTime();
      Deadline deadline = Deadline.in(storeTimeoutMillis);
      Future<R> result;
      try {
        if (type != Object.class && !type.isInstance(message.body())) {
          throw ServiceException.badRequest("expected a " + type.getSimpleName());
        }
        result = handler.apply(type.cast(message.body()), deadline);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      if (result.isComplete()) {
        answer(message, result, started);
        return;
      }
      Future<R> pending = result;
      boolean[] answered = {false};
      long timer = vertx.setTimer(storeTimeoutMillis, fired -> {
        if (!pending.isComplete() && !deadline.committed()) {
          answered[0] = true;
          ServiceException.reply(message, Failures.toServiceException(STORE_TIMED_OUT));
        }
      });
      pending.onComplete(done -> {
        vertx.cancelTimer(timer);
        if (!answered[0]) {
          answer(message, done, started);
        }
      });
    });
  }

  private static <R> void answer(Message<Object> message, AsyncResult<R> result, long started) {
    if (result.succeeded()) {
      message.reply(result.result(), new DeliveryOptions()
          .addHeader(RequestTimings.SERVICE_NANOS_HEADER, Long.toString(System.nanoTime() - started)));
    } else {
      ServiceException.reply(message, Failures.toServiceException(result.cause()));
    }
  }

  /** Untimed: erasure and export run for minutes by design, on their own timeouts. */
  private <T, R> MessageConsumer<Object> serveUntimed(String address, Class<T> type, Function<T, Future<R>> handler) {
    return vertx.eventBus().consumer(address, message -> {
      long started = System.nanoTime();
      Future<R> result;
      try {
        if (type != Object.class && !type.isInstance(message.body())) {
          throw ServiceException.badRequest("expected a " + type.getSimpleName());
        }
        result = handler.apply(type.cast(message.body()));
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(done -> answer(message, done, started));
    });
  }

  /** Releases this instance's pool lease; the last instance out also closes what the process shares. */
  private Future<Void> closeAll() {
    Future<Void> leaseClosed = pool == null ? Future.succeededFuture() : pool.close();
    pool = null;
    SessionProcess joined = process;
    process = null;
    return leaseClosed.eventually(() -> joined == null ? Future.succeededFuture() : joined.leave(vertx, context));
  }

  private static void require(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(setting, "required by the session service (the launcher resolves it)");
    }
  }
}
