package io.genesis.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether one request of a caller may proceed. Never fails and never hangs. A decision is
 * taken by exactly one of:
 * <ul>
 *   <li>this process's sliding log, in the same atomic step that reserves the request's entry: a
 *       {@code 429} when the caller is known to be over the limit (the fast path, no round trip);</li>
 *   <li>the shared Redis script (one atomic step across every gateway), waited for up to
 *       {@code timeoutMillis};</li>
 *   <li>this process's sliding log alone, only while Redis is <em>unreachable</em> (it refuses
 *       connections, or failed {@code threshold} calls in a row): per instance;</li>
 *   <li>nobody: Redis did not answer in time, or failed once without proving it is down. Its answer
 *       may still come and count the request, so admitting it locally could exceed the limit; the
 *       request gets {@link Decision.Source#UNDECIDED} (a {@code 503} with {@code Retry-After}).</li>
 * </ul>
 * A Redis answer that comes after the deadline is still learned: a denial gives the reserved entry
 * back, an admission keeps it. So the local log always counts every request sent to Redis that Redis
 * did not deny, and a process deciding alone never admits more than the limit itself.
 *
 * <p>What the fast path saves, honestly: the Redis round trip of requests from callers this process
 * already knows to be over the limit (floods, retry storms, clients ignoring {@code Retry-After}):
 * most of the traffic under abuse and nothing in normal traffic.
 */
public final class RateLimiter {
  /** The readiness value while decisions are local only. Readiness stays 200: see {@code Readiness}. */
  public static final String DEGRADED = "DEGRADED: local only (redis unreachable)";
  /** The readiness value while Redis accepts connections but does not answer in time: not ready. */
  public static final String NOT_ANSWERING = "DOWN: redis does not answer in time";
  public static final String UP = "UP";
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  private final LocalWindows local;
  private final RemoteWindows remote;
  private final RemoteHealth health;
  private final RateLimitStats stats;
  private final long timeoutMillis;

  /** @param timeoutMillis how long a decision, and a readiness ping, wait for Redis */
  RateLimiter(LocalWindows local, RemoteWindows remote, RemoteHealth health, RateLimitStats stats, long timeoutMillis) {
    this.local = local;
    this.remote = remote;
    this.health = health;
    this.stats = stats;
    this.timeoutMillis = timeoutMillis;
  }

  /** The decision for one request of {@code key} ({@code user:<id>}, {@code ip:<address>}); never a failed future. */
  public Future<Decision> acquire(String key) {
    long sentAt = local.now();
    if (!health.shouldAsk(sentAt)) {
      return counted(local.acquire(key, sentAt));
    }
    Decision known = local.reserve(key, sentAt);
    if (known != null) {
      // While Redis is away the local log is the limiter, so its denials count as fallback decisions.
      return counted(health.degraded() ? known.from(Decision.Source.LOCAL_FALLBACK) : known);
    }
    Future<Decision> answer = remote.acquire(key, local.limit(), local.windowMillis());
    AtomicBoolean admittedHere = new AtomicBoolean();
    answer.onComplete(outcome -> learn(key, sentAt, outcome.succeeded() ? outcome.result() : null, outcome.cause(),
        admittedHere.get()));
    return answer.timeout(timeoutMillis, TimeUnit.MILLISECONDS).transform(outcome -> {
      if (outcome.succeeded()) {
        return counted(outcome.result());
      }
      if (answer.failed() && unreachable(answer.cause()) || health.degraded()) {
        // Nothing was sent, or Redis is down by now: this process decides, on the entry it holds
        // (and keeps it, whatever a late answer says).
        admittedHere.set(true);
        return counted(local.admitReserved(key, local.now()));
      }
      return counted(Decision.undecided(local.limit()));
    });
  }

  /** Runs once per Redis call, when its answer or failure comes, in time or late. */
  private void learn(String key, long sentAt, Decision decision, Throwable failure, boolean admittedHere) {
    if (decision != null) {
      if (!admittedHere) {
        local.settle(key, sentAt, decision);
      }
      recovered();
      return;
    }
    stats.redisFailed();
    if (busy(failure)) {
      // This process's own pool is full: the call was never sent and Redis is answering the others,
      // so going local would stop sharing the limit with the other gateways.
      return;
    }
    boolean started = unreachable(failure) ? health.unreachable(local.now()) : health.failed(local.now());
    if (started) {
      LOG.warn("rate limiter: Redis unreachable ({}); limiting per instance until it answers", reason(failure));
    }
  }

  /** {@link #UP}, {@link #DEGRADED} or {@link #NOT_ANSWERING}, after pinging Redis (which also ends a degraded period early). */
  public Future<String> health() {
    return healthOf(remote.ping(timeoutMillis));
  }

  Future<String> probe(long timeoutMillis) {
    return healthOf(remote.ping(timeoutMillis));
  }

  /**
   * At start, before the gateway serves: loads the script ({@code SCRIPT LOAD}) and opens
   * {@code connections} pooled connections at once (a first burst then finds them open), and says
   * whether Redis answered.
   */
  Future<String> warmUp(int connections, long timeoutMillis) {
    List<Future<Void>> steps = new ArrayList<>();
    steps.add(remote.load(timeoutMillis));
    for (int i = 1; i < connections; i++) {
      steps.add(remote.ping(timeoutMillis));
    }
    return Future.join(steps).transform(ignored -> healthOf(steps.get(0)));
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

  private Future<String> healthOf(Future<?> ping) {
    return ping.transform(outcome -> {
      if (outcome.succeeded()) {
        recovered();
        return Future.succeededFuture(UP);
      }
      if (unreachable(outcome.cause())) {
        if (health.unreachable(local.now())) {
          LOG.warn("rate limiter: Redis unreachable ({}); limiting per instance until it answers", reason(outcome.cause()));
        }
        return Future.succeededFuture(DEGRADED);
      }
      // Connected but silent (or slow): going local could admit what Redis is about to count.
      return Future.succeededFuture(health.degraded() ? DEGRADED : NOT_ANSWERING);
    });
  }

  /** Redis cannot be reached at all (refused, no route, connect timeout): nothing was sent. */
  static boolean unreachable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** The call waited for no connection: this process's Redis pool was full. */
  static boolean busy(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectionPoolTooBusyException) {
        return true;
      }
    }
    return false;
  }

  private static String reason(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
