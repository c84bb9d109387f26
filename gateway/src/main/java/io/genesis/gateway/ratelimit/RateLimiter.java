package io.genesis.gateway.ratelimit;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one request of a caller may proceed. Never fails and never hangs: the answer is
 * the local fast path, else the shared Redis script (one atomic step), else, when Redis fails or
 * does not answer in time, the same sliding log kept in this process.
 *
 * <p>What the fast path saves, honestly: the Redis round trip (and the pooled connection it holds)
 * of requests from callers this process already knows to be over the limit: floods, retry storms,
 * clients ignoring {@code Retry-After}. That is most of the traffic under abuse and nothing in normal
 * traffic: a caller under the limit always costs one round trip (~0.1–0.5 ms on a LAN), since only
 * Redis knows what the other gateways admitted. Admitting locally, even in batches, could let more
 * than N through, so the fast path only ever denies, and only until the moment Redis frees a slot.
 */
public final class RateLimiter {
  /** The readiness value while decisions are local only. Readiness stays 200: see {@code Readiness}. */
  public static final String DEGRADED = "DEGRADED: local only (redis unreachable)";
  public static final String UP = "UP";
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final LocalWindows local;
  private final RemoteWindows remote;
  private final RemoteHealth health;
  private final RateLimitStats stats;
  private final long pingTimeoutMillis;

  RateLimiter(LocalWindows local, RemoteWindows remote, RemoteHealth health, RateLimitStats stats, long pingTimeoutMillis) {
    this.local = local;
    this.remote = remote;
    this.health = health;
    this.stats = stats;
    this.pingTimeoutMillis = pingTimeoutMillis;
  }

  /** The decision for one request of {@code key} ({@code user:<id>}, {@code ip:<address>}); never a failed future. */
  public Future<Decision> acquire(String key) {
    long sentAt = local.now();
    Decision known = local.fastPath(key, sentAt);
    if (known != null) {
      // While Redis is away the local log is the limiter, so its denials count as fallback decisions.
      return counted(health.degraded() ? known.from(Decision.Source.LOCAL_FALLBACK) : known);
    }
    if (!health.shouldAsk(sentAt)) {
      return counted(local.acquire(key, sentAt));
    }
    return remote.acquire(key, local.limit(), local.windowMillis()).transform(outcome -> {
      if (outcome.succeeded()) {
        recovered();
        local.record(key, sentAt, outcome.result());
        return counted(outcome.result());
      }
      failed(outcome.cause());
      return counted(local.acquire(key, local.now()));
    });
  }

  /** {@link #UP} or {@link #DEGRADED}, after pinging Redis (which also ends a degraded period early). */
  public Future<String> health() {
    return probe(pingTimeoutMillis);
  }

  Future<String> probe(long timeoutMillis) {
    return healthOf(remote.ping(timeoutMillis));
  }

  /**
   * At start: opens {@code connections} pooled connections at once (a burst of first requests then
   * finds them open instead of paying connection set-up against the 200 ms deadline), and says
   * whether Redis answered.
   */
  Future<String> warmUp(int connections, long timeoutMillis) {
    List<Future<Void>> pings = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      pings.add(remote.ping(timeoutMillis));
    }
    return healthOf(Future.any(pings));
  }

  public RateLimitStats stats() {
    return stats;
  }

  public int limit() {
    return local.limit();
  }

  public long windowSeconds() {
    return local.windowMillis() / 1000;
  }

  private Future<Decision> counted(Decision decision) {
    stats.count(decision);
    return Future.succeededFuture(decision);
  }

  private void recovered() {
    if (health.succeeded()) {
      LOG.info("rate limiter: Redis answers again; limits are shared across gateways again");
    }
  }

  private void failed(Throwable cause) {
    stats.redisFailed();
    if (health.failed(local.now())) {
      LOG.warn("rate limiter: Redis unreachable ({}); limiting per instance until it answers", reason(cause));
    }
  }

  private Future<String> healthOf(Future<?> ping) {
    return ping.transform(outcome -> {
      if (outcome.succeeded()) {
        recovered();
        return Future.succeededFuture(UP);
      }
      if (health.unreachable(local.now())) {
        LOG.warn("rate limiter: Redis unreachable ({}); limiting per instance until it answers", reason(outcome.cause()));
      }
      return Future.succeededFuture(DEGRADED);
    });
  }

  private static String reason(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
