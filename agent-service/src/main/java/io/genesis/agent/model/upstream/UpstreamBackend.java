package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelBackend;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.OfflineBackend;
import io.genesis.common.config.ModelSettings;
import io.genesis.common.error.ServiceException;
import io.genesis.common.log.Redaction;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat-completions server as a {@link ModelBackend}: answers stream from
 * {@code POST {baseUrl}/chat/completions}, with connect, idle and total timeouts, one first-token budget
 * for all of a call's attempts, retries before the first token, a circuit breaker and a bulkhead of
 * {@code maxConcurrent} calls. What clients read of a failure names no upstream; the log has the rest.
 *
 * <p>It uses Vert.x's {@link HttpClient} rather than the WebClient: a WebClient response cannot be
 * aborted once its body streams (the request is dropped from its context when the response arrives),
 * and a cancelled reply must close the connection so that the upstream stops generating.
 */
public final class UpstreamBackend implements ModelBackend {
  public static final String NAME = "upstream";
  /** The name of calls the offline coach answers while the breaker is open ({@code GENESIS_MODEL_FALLBACK=offline}). */
  public static final String FALLBACK = "offline-fallback";

  private final Vertx vertx;
  private final UpstreamConfig config;
  private final OfflineBackend offline;
  private final HttpClient client;
  private final Breaker breaker;
  private final AtomicInteger inFlight;
  private final boolean ownsAdmission;

  public UpstreamBackend(Vertx vertx, UpstreamConfig config, OfflineBackend offline) {
    this(vertx, config, offline, new Admission(vertx, config), true);
  }

  /**
   * A backend of one agent-verticle instance: its own HTTP client (on its event loop), and the process's
   * {@code admission}, shared by every instance, so that {@code maxConcurrent} and the breaker are per upstream.
   */
  public UpstreamBackend(Vertx vertx, UpstreamConfig config, OfflineBackend offline, Admission admission) {
    this(vertx, config, offline, admission, false);
  }

  private UpstreamBackend(Vertx vertx, UpstreamConfig config, OfflineBackend offline, Admission admission, boolean owns) {
    this.vertx = vertx;
    this.config = config;
    this.offline = offline;
    ModelSettings settings = config.settings();
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(settings.connectTimeoutMillis()).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(settings.maxConcurrent()));
    this.breaker = admission.breaker;
    this.inFlight = admission.inFlight;
    this.ownsAdmission = owns;
  }

  /** The calls in flight and the circuit breaker of one upstream, shared by the backends of a process. */
  public static final class Admission {
    private final Breaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();

    public Admission(Vertx vertx, UpstreamConfig config) {
      this.breaker = new Breaker(vertx, Redaction.url(config.baseUrl()), config.settings());
    }

    public void close() {
      breaker.close();
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ModelCall admit() {
    Breaker.Admission admission = breaker.admit();
    if (admission == Breaker.Admission.REFUSED) {
      return refused();
    }
    int max = config.settings().maxConcurrent();
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      if (admission == Breaker.Admission.TRIAL) {
        breaker.trialEnded();
      }
      throw new ServiceException(503, "the model service is busy", 1);
    }
    boolean trial = admission == Breaker.Admission.TRIAL;
    return new UpstreamCall(vertx, client, config, breaker, () -> {
      inFlight.decrementAndGet();
      if (trial) {
        breaker.trialEnded();
      }
    });
  }

  /** Calls admitted and not yet ended (for tests and metrics). */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    if (ownsAdmission) {
      breaker.close();
    }
    client.close();
  }

  Breaker breaker() {
    return breaker;
  }

  private ModelCall refused() {
    if (config.settings().fallbackToOffline()) {
      return offline.call(FALLBACK);
    }
    throw breakerOpen(breaker);
  }

  /** The refusal while the breaker is open: nothing about the upstream but that it is out for now. */
  static ServiceException breakerOpen(Breaker breaker) {
    return new ServiceException(503, UpstreamFailure.UNAVAILABLE + " (paused after repeated failures)",
        breaker.secondsUntilTrial());
  }
}
