package io.genesis.session;

import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.session.db.SessionRepository;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Readiness: {@code SELECT 1} on the pool and {@code PING} on Redis, each bounded; always answers. */
final class HealthProbe {
  static final long CHECK_TIMEOUT_MS = 1_000;

  private final SessionRepository repository;
  private final RedisAPI redis;

  HealthProbe(SessionRepository repository, RedisAPI redis) {
    this.repository = repository;
    this.redis = redis;
  }

  Future<HealthReport> check() {
    Future<String> postgres = outcome(repository.ping());
    Future<String> cache = outcome(redis.ping(List.of()).mapEmpty());
    return Future.join(postgres, cache).transform(done -> {
      Map<String, String> checks = new LinkedHashMap<>();
      checks.put("postgres", postgres.result());
      checks.put("redis", cache.result());
      boolean up = checks.values().stream().allMatch("UP"::equals);
      return Future.succeededFuture(new HealthReport(up, checks));
    });
  }

  /** "UP", or why not: the check's failure or its timeout. Never fails. */
  private static Future<String> outcome(Future<Void> probe) {
    return probe.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map("UP")
        .otherwise(e -> "DOWN: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
  }
}
