package io.genesis.gateway.http;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import com.netflix.concurrency.limits.limit.window.PercentileSampleWindowFactory;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.genesis.common.error.ServiceException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Load shedding at the door: past this gateway instance's concurrency limit, a new request is answered
 * 503 with {@code Retry-After: 1} at once, before authentication, the rate limiter or any service sees
 * it. Nothing waits at the door, so a refusal costs next to nothing and what is admitted only waits for
 * the few others admitted with it.
 *
 * <p>The limit adapts to latency (Netflix concurrency-limits, {@link #adaptive}): every
 * {@value #WINDOW_MILLIS} ms window of at least ten answers, if the slowest hundredth of them took longer
 * than {@value #LATENCY_BUDGET_MILLIS} ms, or one was a 503/504 from behind the door (a queue there full or
 * too slow), the limit halves; otherwise, while the requests in flight use at least half of it, it grows by one, up
 * to {@value #MAX_IN_FLIGHT} (where it starts, so an idle gateway takes a burst) and never under
 * {@value #MIN_IN_FLIGHT}. Halving, not shrinking by a tenth, matters at the start of a spike: from 64 places a
 * loop it takes three windows to reach the minimum, not twenty, before the queue for two cores has grown. So under
 * a spike the gateway admits what the services behind it answer within the budget and refuses the rest, instead
 * of letting a fixed number in flight queue for the database until its own time-outs answer slow 503s.
 *
 * <p>The time a request waits before this door sees it (in the socket while the event loop is busy, or for a
 * core: on two cores the load generator, PostgreSQL and Redis share them) is not in those answers' times. A
 * probe measures it instead: a timer re-armed every {@value #PROBE_MILLIS} ms notes how late it fires. Once
 * it has fired more than {@value #MAX_LAG_MILLIS} ms late every time for {@value #STANDING_MILLIS} ms (a standing
 * queue, as CoDel calls it, not a blip), the requests ending count as drops (the limit shrinks); and once the
 * limit is down to {@link #ARMED_AT} and while at least {@value #MIN_IN_FLIGHT} requests are in flight here, new
 * requests are refused: what waits in front of the door is then already late, and admitting it would only
 * make the admitted later.
 *
 * <p>Past the limit of the instance, or {@code GENESIS_MAX_REQUESTS_IN_FLIGHT} for the whole process, the
 * answer is the same 503. Streams (WebSocket, {@code Accept: text/event-stream}, the OpenAI-compatible routes,
 * which may stream) are not counted here: they are long by design and have their own bound
 * ({@code GENESIS_MAX_STREAMS_IN_FLIGHT}, see {@code ReplyStreams}) besides the model's concurrency limit.
 * Health, the document and the metrics always answer. A message's JSON reply counts in flight but its time
 * does not steer the limit (it is mostly the model's generation, which says nothing about this process's
 * load); its 503/504 (the session store's queue full, say) and the probe do. One instance per event loop.
 */
public final class Admission implements Handler<RoutingContext> {
  /** The most requests one gateway instance (one per core) holds in flight, however fast they are. */
  public static final int MAX_IN_FLIGHT = 64;
  /** The fewest: a burst of slow answers must not starve the instance of requests to learn from. */
  static final int MIN_IN_FLIGHT = 8;
  /** What the slowest hundredth of a window's admitted requests may take before the limit shrinks. */
  static final long LATENCY_BUDGET_MILLIS = 25;
  static final long WINDOW_MILLIS = 100;
  /** How often the event-loop probe fires. */
  static final long PROBE_MILLIS = 5;
  /** How late the probe may fire before what waits in front of the door counts as overload. */
  static final long MAX_LAG_MILLIS = 20;
  private static final long MAX_LAG_NANOS = MAX_LAG_MILLIS * 1_000_000;
  /**
   * The probe refuses only once the answers themselves have shrunk the limit to this: the process is in
   * trouble by its own measure, not merely on a machine where other work makes the timer late.
   */
  static final int ARMED_AT = MAX_IN_FLIGHT / 2;
  /** How long the probe must stay late before requests are refused for it (CoDel's interval). */
  static final long STANDING_MILLIS = 100;
  private static final long STANDING_NANOS = STANDING_MILLIS * 1_000_000;
  private static final double SHRINK = 0.5;
  private static final double PERCENTILE = 0.99;
  private static final int MAX_SAMPLES_A_WINDOW = 1_000;
  private static final ServiceException BUSY = new ServiceException(503, "the server is busy; retry in a moment", 1);
  private static final Set<String> ALWAYS = Set.of("/health/live", "/health/ready", "/openapi.json", "/metrics");
  private static final String MESSAGES = "/messages";

  private final Limiter<Void> limiter;
  private final InFlight process;
  private final String webSocketPath;
  private final long maxBodyBytes;
  /** Since when the probe has fired more than {@link #MAX_LAG_MILLIS} late at every firing (-1: it is not). */
  private long lateSince = -1;
  /** How long that has lasted, as of the last firing (0 without a probe). */
  private long lateFor;

  /**
   * @param process the bound shared by every instance of the process (null: none)
   * @param maxBodyBytes the largest body a refused request may declare and still keep its connection
   */
  public Admission(Limiter<Void> limiter, InFlight process, String webSocketPath, long maxBodyBytes) {
    this.limiter = limiter;
    this.process = process;
    this.webSocketPath = webSocketPath;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * The gateway's admission: the latency-driven limit described above, starting at {@link #MAX_IN_FLIGHT},
   * within {@code maxRequestsInFlight} for the process, with the event-loop probe running on the caller's
   * context (call it on the event loop of the gateway instance it admits for).
   */
  public static Admission adaptive(Vertx vertx, int maxRequestsInFlight, String webSocketPath, long maxBodyBytes) {
    Admission admission = adaptive(webSocketPath, maxBodyBytes, System::nanoTime,
        InFlight.of(vertx, "requests", maxRequestsInFlight));
    admission.probe(vertx, System.nanoTime());
    return admission;
  }

  /** Re-armed each time (a fixed delay), so a late firing is never followed by a burst of catching up. */
  private void probe(Vertx vertx, long armedAt) {
    vertx.setTimer(PROBE_MILLIS, fired -> {
      long now = System.nanoTime();
      long due = armedAt + PROBE_MILLIS * 1_000_000;
      long lag = now - due;
      if (lag <= MAX_LAG_NANOS) {
        lateSince = -1;
      } else if (lateSince < 0) {
        lateSince = due;
      }
      lateFor = lateSince < 0 ? 0 : now - lateSince;
      probe(vertx, now);
    });
  }

  static Admission adaptive(String webSocketPath, long maxBodyBytes, Supplier<Long> nanoClock) {
    return adaptive(webSocketPath, maxBodyBytes, nanoClock, null);
  }

  private static Admission adaptive(String webSocketPath, long maxBodyBytes, Supplier<Long> nanoClock, InFlight process) {
    Limit budget = AIMDLimit.newBuilder().initialLimit(MAX_IN_FLIGHT).maxLimit(MAX_IN_FLIGHT).minLimit(MIN_IN_FLIGHT)
        .backoffRatio(SHRINK).timeout(LATENCY_BUDGET_MILLIS, TimeUnit.MILLISECONDS).build();
    Limit windowed = WindowedLimit.newBuilder()
        .minWindowTime(WINDOW_MILLIS, TimeUnit.MILLISECONDS).maxWindowTime(WINDOW_MILLIS, TimeUnit.MILLISECONDS)
        .sampleWindowFactory(PercentileSampleWindowFactory.of(PERCENTILE, MAX_SAMPLES_A_WINDOW)).build(budget);
    return new Admission(SimpleLimiter.newBuilder().named("gateway-admission").clock(nanoClock).limit(windowed).build(),
        process, webSocketPath, maxBodyBytes);
  }

  /** The current limit (-1 for a limiter that does not tell). */
  int limit() {
    return limiter instanceof AbstractLimiter<?> adjustable ? adjustable.getLimit() : -1;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (exempt(ctx)) {
      ctx.next();
      return;
    }
    if (lagging() && inFlight() >= MIN_IN_FLIGHT && limit() <= ARMED_AT) {
      refuse(ctx);
      return;
    }
    Optional<Limiter.Listener> admitted = limiter.acquire(null);
    if (admitted.isEmpty()) {
      refuse(ctx);
      return;
    }
    if (process != null && !process.tryAcquire()) {
      admitted.get().onIgnore();
      refuse(ctx);
      return;
    }
    boolean steers = !isMessage(ctx);
    ctx.addEndHandler(ended -> {
      if (process != null) {
        process.release();
      }
      report(admitted.get(), ended, ctx.response().getStatusCode(), steers, lagging());
    });
    ctx.next();
  }

  /** A standing queue in front of the door, not a blip: late at every firing for {@value #STANDING_MILLIS} ms. */
  private boolean lagging() {
    return lateFor >= STANDING_NANOS;
  }

  private int inFlight() {
    return limiter instanceof AbstractLimiter<?> counted ? counted.getInflight() : 0;
  }

  /**
   * A refusal answered before the body was read closes the connection (see {@link Problems#send}). A request
   * with no body (no Content-Length, no Transfer-Encoding: every GET) or a small one of declared length (a chat
   * message) is read to its end first, the body dropped, so the refusal keeps the connection for the client's
   * retry instead of costing it a new one under the very overload being shed.
   */
  private void refuse(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long declared = declaredLength(request);
    if (request.isEnded() || declared < 0 || declared > maxBodyBytes) {
      ctx.fail(BUSY);
      return;
    }
    request.handler(dropped -> {}).endHandler(ended -> ctx.fail(BUSY));
    request.resume();
  }

  /** The length of the body as sent whole: 0 without Content-Length or Transfer-Encoding; -1 when chunked or unreadable. */
  private static long declaredLength(HttpServerRequest request) {
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return -1;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return 0;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * What the answer says about this process's load: ending while the event loop lags, or a 503/504 from
   * behind, is a drop; a 4xx or a cut connection, nothing.
   */
  private static void report(Limiter.Listener listener, AsyncResult<Void> ended, int status, boolean steers, boolean lagging) {
    if (lagging || status == 503 || status == 504) {
      listener.onDropped();
    } else if (!steers || ended.failed() || (status >= 400 && status < 500)) {
      listener.onIgnore();
    } else if (status == 503 || status == 504) {
      listener.onDropped();
    } else {
      listener.onSuccess();
    }
  }

  private static boolean isMessage(RoutingContext ctx) {
    return ctx.request().method() == HttpMethod.POST && ctx.request().path().endsWith(MESSAGES);
  }

  private boolean exempt(RoutingContext ctx) {
    // The raw path: normalizing a malformed one (e.g. %ZZ) throws, and that is for the router to answer (400).
    String path = ctx.request().path();
    if (ALWAYS.contains(path) || path.equals(webSocketPath) || path.startsWith("/v1/")) {
      return true;
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }
}
