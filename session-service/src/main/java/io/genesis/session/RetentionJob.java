package io.genesis.session;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.common.config.PrivacySettings;
import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.SessionRepository;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes messages older than {@code GENESIS_RETENTION_DAYS}, every
 * {@code GENESIS_RETENTION_INTERVAL_SECONDS} (the first run shortly after start), in batches of
 * {@code GENESIS_RETENTION_BATCH}, each batch its own statement so no lock is held for long. The
 * caches of the sessions it touched are invalidated after each batch, with one multi-key DEL and one
 * publish per pass (a failure is logged and counted, see {@link #bindMetrics}, and does not stop the
 * run). Sessions left empty are kept: their metadata (title, agent, times) is not message content.
 *
 * <p>Runs of one instance never overlap (a tick during a run is skipped). Several instances may run
 * at once: their batches skip each other's locked rows, and deleting what is already gone is harmless.
 * Each run that deleted something is logged and audited ({@code system}, {@code retention.run}); every
 * finished run is announced locally on {@link Addresses#RETENTION_RAN}.
 */
final class RetentionJob {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
  static final String ACTION = "retention.run";
  private static final long FIRST_RUN_DELAY_MS = 5_000;

  /** What one run did; {@code cacheFailures}: batches whose cache invalidation Redis did not confirm. */
  record Run(Instant startedAt, Instant cutoff, long deleted, int sessions, long cacheFailures) {
    JsonObject toJson() {
      return new JsonObject().put("startedAt", startedAt.toString()).put("cutoff", cutoff.toString())
          .put("deleted", deleted).put("sessions", sessions).put("cacheFailures", cacheFailures);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final SessionRepository repository;
  private final SessionCaches caches;
  private final AuditService audit;
  private final PrivacySettings settings;
  private long timer = -1;
  private Future<Run> running;
  private final AtomicLong cacheFailures = new AtomicLong();

  RetentionJob(Vertx vertx, SessionRepository repository, SessionCaches caches, AuditService audit,
               PrivacySettings settings) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.repository = repository;
    this.caches = caches;
    this.audit = audit;
    this.settings = settings;
  }

  /** Schedules the runs; does nothing when messages are kept forever (no retention days). */
  void start() {
    if (settings.retentionDays() == null) {
      LOG.info("retention: off (GENESIS_RETENTION_DAYS unset), messages are kept");
      return;
    }
    long interval = settings.retentionIntervalSeconds() * 1000L;
    timer = vertx.setPeriodic(Math.min(FIRST_RUN_DELAY_MS, interval), interval, tick -> {
      if (running == null) {
        runOnce();
      }
    });
    LOG.info("retention: messages older than {} days deleted every {} s", settings.retentionDays(),
        settings.retentionIntervalSeconds());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** One run now, or right after the one under way; completes when it is done. */
  Future<Run> runOnce() {
    if (Vertx.currentContext() != context) {
      // The guard against overlapping runs is only touched on the context that created the job.
      Promise<Run> done = Promise.promise();
      context.runOnContext(v -> runOnce().onComplete(done));
      return done.future();
    }
    if (running != null) {
      // The run under way may have chosen its rows before the caller's writes: start another after it.
      return running.transform(previous -> runOnce());
    }
    Instant started = Instant.now();
    Instant cutoff = started.minus(settings.retentionDays(), ChronoUnit.DAYS);
    Set<UUID> sessions = new LinkedHashSet<>();
    AtomicLong failures = new AtomicLong();
    Future<Run> run = deleteFrom(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC), sessions, failures, 0)
        .map(deleted -> new Run(started, cutoff, deleted, sessions.size(), failures.get()))
        .compose(this::report)
        .onFailure(e -> LOG.warn("retention: run failed, next one in {} s: {}", settings.retentionIntervalSeconds(),
            e.toString()))
        .onComplete(done -> running = null);
    // A run that completed at once has already cleared the guard.
    if (!run.isComplete()) {
      running = run;
    }
    return run;
  }

  /** Batch after batch until one deletes fewer rows than a batch holds. */
  private Future<Long> deleteFrom(OffsetDateTime cutoff, Set<UUID> sessions, AtomicLong failures, long deletedSoFar) {
    int batch = settings.retentionBatch();
    return repository.deleteMessagesBefore(cutoff, batch).compose(touched -> invalidate(touched, sessions, failures)
        .compose(v -> {
          long deleted = deletedSoFar + touched.size();
          return touched.size() < batch ? Future.succeededFuture(deleted) : deleteFrom(cutoff, sessions, failures, deleted);
        }));
  }

  /**
   * One multi-key delete and one publish per batch (a batch may touch a thousand sessions: a command
   * each would overrun the Redis pool). A failure does not stop the run (the rows are gone; the
   * entries expire with their TTL): it is logged and counted.
   */
  private Future<Void> invalidate(List<UUID> touched, Set<UUID> sessions, AtomicLong runFailures) {
    Set<UUID> batchSessions = new LinkedHashSet<>(touched);
    sessions.addAll(batchSessions);
    if (batchSessions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> ids = batchSessions.stream().map(UUID::toString).toList();
    return caches.invalidateMany(ids, e -> cacheFailed(ids.size(), e)).recover(e -> {
      runFailures.incrementAndGet();
      cacheFailed(ids.size(), e);
      return Future.succeededFuture();
    });
  }

  private void cacheFailed(int sessionCount, Throwable e) {
    cacheFailures.incrementAndGet();
    LOG.warn("retention: cache invalidation of {} sessions failed ({}); their cached copies expire by TTL", sessionCount,
        e.toString());
  }

  /** {@code genesis_retention_cache_failures_total}: batches whose cache invalidation Redis did not confirm. */
  void bindMetrics(MeterRegistry registry) {
    FunctionCounter.builder("genesis.retention.cache.failures", cacheFailures, AtomicLong::get)
        .description("Retention batches (each pass) whose cache invalidation Redis did not confirm")
        .register(registry);
  }

  private Future<Run> report(Run run) {
    Future<Void> audited = Future.succeededFuture();
    if (run.deleted() > 0) {
      String details = "deleted " + run.deleted() + " messages older than " + settings.retentionDays() + " days from "
          + run.sessions() + " sessions";
      LOG.info("retention: {}", details);
      audited = audit.record(new AuditEntry(AuditService.SYSTEM, ACTION, "messages", details))
          .otherwiseEmpty();
    }
    return audited.map(v -> {
      vertx.eventBus().publish(Addresses.RETENTION_RAN, run.toJson(), new DeliveryOptions().setLocalOnly(true));
      return run;
    });
  }
}
