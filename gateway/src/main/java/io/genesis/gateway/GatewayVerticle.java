package io.genesis.gateway;

import io.genesis.common.bus.Contracts;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.ShutdownDeadline;
import io.genesis.common.error.ServiceException;
import io.genesis.common.metrics.Observatory;
import io.genesis.common.metrics.PerformanceRoutes;
import io.genesis.gateway.api.AdminAudit;
import io.genesis.gateway.api.AdminRoutes;
import io.genesis.gateway.api.AgentRoutes;
import io.genesis.gateway.api.MeRoutes;
import io.genesis.gateway.api.ProfileRoutes;
import io.genesis.gateway.api.ProgressRoutes;
import io.genesis.gateway.api.Chat;
import io.genesis.gateway.api.SessionRoutes;
import io.genesis.gateway.api.WebSocketRoute;
import io.genesis.gateway.auth.BearerAuth;
import io.genesis.gateway.auth.DevTokenRoute;
import io.genesis.gateway.auth.Roles;
import io.genesis.gateway.auth.TokenVerifier;
import io.genesis.gateway.auth.Tokens;
import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.console.Console;
import io.genesis.gateway.health.Readiness;
import io.genesis.gateway.http.Admission;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.journal.Journals;
import io.genesis.gateway.http.Compression;
import io.genesis.gateway.http.ConnectionTimeouts;
import io.genesis.gateway.http.Cors;
import io.genesis.gateway.http.Https;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.Problems;
import io.genesis.gateway.http.RequestIds;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.RouteTemplates;
import io.genesis.gateway.openai.OpenAiRoutes;
import io.genesis.gateway.openapi.OpenApi;
import io.genesis.gateway.ratelimit.RateLimiting;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.netty.handler.codec.compression.CompressionOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public face of GENESIS: the HTTP API of the README and {@code openapi.json}. Talks to the other services only over the
 * event bus. Deploy one instance per core; the first to see the services ready logs the ready line.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Local shared-data map where the gateway publishes the port it listens on (useful with port 0). */
  public static final String SHARED_MAP = "genesis.gateway";
  public static final String PORT_KEY = "port";
  private static final String ANNOUNCED_KEY = "announced";
  private static final String TLS_WATCHER_KEY = "tlsWatcher";
  private static final long BUS_TIMEOUT_MILLIS = 5_000;
  /** After the drain, how long answers still being written (and WebSocket closes) may take. */
  private static final long SHUTDOWN_FLUSH_SECONDS = 3;
  /** After the grace, how long a cut stream may take to be stored and answered. */
  private static final long SHUTDOWN_SETTLE_MILLIS = 5_000;
  /** New requests while draining, and every stream still open when the grace is over. */
  private static final Set<String> WHILE_DRAINING = Set.of("/health/live", "/health/ready", "/openapi.json", "/metrics");
  private static final ServiceException SHUTTING_DOWN =
      new ServiceException(503, "the server is shutting down; retry in a moment", 1);
  /** A connection silent either way this long is closed, even with a request in flight. */
  private static final long SILENCE_TIMEOUT_MILLIS = 120_000;
  /** A streamed reply that hears nothing for this long (the agent service beats every 5 s) fails with 503. */
  private static final long STREAM_SILENCE_MILLIS = 15_000;
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  /** Routes behind a bearer token: GENESIS's own API and the OpenAI-compatible one. */
  private static final List<String> AUTHENTICATED = List.of("/api/v1/*", "/v1/*");

  private HttpServer server;
  private RateLimiting rateLimits;
  private ReplyStreams replies;
  private Journals journals;
  /** This process's request figures; null when metrics are off. */
  private Observatory observatory;
  private long readinessTimer = -1;
  private long tlsWatcher = -1;
  private WebSocketRoute sockets;
  private long shutdownGraceMillis;
  /** Set when stopping: readiness is 503 and every new request gets a 503, while live streams run on. */
  private volatile boolean draining;

  @Override
  public Future<?> start() {
    Contracts.register(vertx);
    GenesisConfig config = GenesisConfig.fromJson(config());
    shutdownGraceMillis = config.shutdownGraceMillis();
    observatory = config.observability().metricsEnabled() ? Observatory.of(vertx) : null;
    replies = new ReplyStreams(vertx, STREAM_SILENCE_MILLIS, observatory, config.overload().maxStreamsInFlight());
    // The independent set-up steps run at once: together they are most of the time to ready.
    Future<RateLimiting> limits = RateLimiting.create(vertx, config).onSuccess(created -> rateLimits = created);
    Future<TokenVerifier> verifier = TokenVerifier.create(vertx, config);
    Future<OpenApi> api = OpenApi.load(vertx);
    Future<List<CompressionOptions>> compressors = Compression.compressors(vertx);
    Future<Journals> kept = Journals.create(vertx, config).onSuccess(created -> journals = created);
    Future<Console> console = Console.load(vertx);
    return Future.all(List.of(replies.listen().completion(), limits, verifier, api, compressors, kept, console))
        .compose(ready -> listen(config, verifier.result(), api.result(), compressors.result(), console.result()));
  }

  private Future<HttpServer> listen(GenesisConfig config, TokenVerifier verifier, OpenApi api,
                                    List<CompressionOptions> compressors, Console console) {
    ServiceClient services = new ServiceClient(vertx, BUS_TIMEOUT_MILLIS);
    Readiness readiness = new Readiness(services).withCheck("rate-limiter", rateLimits::health)
        .withCheck("shutdown", () -> Future.succeededFuture(draining ? "DOWN: shutting down" : Readiness.UP));
    ConnectionTimeouts timeouts = new ConnectionTimeouts(vertx, config.http());
    Router router = router(config, services, readiness, verifier, api, timeouts);
    // The web console: its own routes and Content-Security-Policy, answered like any unlimited public route.
    console.mount(router);
    HttpServerOptions options = new HttpServerOptions()
        .setCompressionSupported(true)
        .setCompressors(compressors)
        .setCompressionContentSizeThreshold(Compression.MIN_BYTES)
        .setHost(config.httpHost())
        // Port 0 means "any free port"; Vert.x shares one random port among the instances that
        // listen on the same negative port, so every gateway instance of the process gets the same.
        .setPort(config.httpPort() == 0 ? -1 : config.httpPort())
        .setTcpNoDelay(true)
        // Silence either way, busy or not (a stalled body, a dead WebSocket); idle connections go sooner (ConnectionTimeouts).
        .setIdleTimeout((int) Math.max(SILENCE_TIMEOUT_MILLIS, config.http().idleTimeoutMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxInitialLineLength(Problems.DECODER_MAX_REQUEST_LINE)
        // Cleartext HTTP/2 detection holds a new connection back until its first bytes say which protocol it
        // speaks: one that sends nothing would never reach ConnectionTimeouts. Plain HTTP is HTTP/1.1 here.
        .setHttp2ClearTextEnabled(false);
    return Https.configure(vertx, config.tls(), WebSocketRoute.configure(options, config.maxBodyBytes()))
        .compose(configured -> {
          server = vertx.createHttpServer(configured);
          return server.requestHandler(router).connectionHandler(timeouts.connectionHandler())
              .invalidRequestHandler(Problems::invalidRequest).listen();
        }).onSuccess(listening -> {
          String url = Https.scheme(config.tls()) + "://" + config.httpHost() + ":" + listening.actualPort();
          vertx.sharedData().getLocalMap(SHARED_MAP).put(PORT_KEY, listening.actualPort());
          // The instances share one listening server: one of them watches the certificate files for all.
          if (config.tls().httpsEnabled()
              && vertx.sharedData().getLocalMap(SHARED_MAP).putIfAbsent(TLS_WATCHER_KEY, true) == null) {
            tlsWatcher = Https.watch(vertx, config.tls(), listening);
          }
          announceWhenReady(readiness, url);
        });
  }

  private Router router(GenesisConfig config, ServiceClient services, Readiness readiness, TokenVerifier verifier,
                        OpenApi api, ConnectionTimeouts timeouts) {
    Router router = Router.router(vertx);
    RouteTemplates templates = new RouteTemplates(router);
    if (config.tls().httpsEnabled()) {
      router.route().handler(Https::strictTransportSecurity);
    }
    router.route().handler(timeouts).handler(new RequestIds()).handler(new RequestObserver(observatory, templates))
        .handler(Problems::requestLineLimit);
    Cors.forOrigins(config.corsOrigins()).ifPresent(cors -> router.route().handler(cors));
    // While draining, only health, the document and the metrics answer; the rest gets a 503.
    router.route().handler(ctx -> {
      if (draining && !WHILE_DRAINING.contains(ctx.normalizedPath())) {
        ctx.fail(SHUTTING_DOWN);
      } else {
        ctx.next();
      }
    });
    router.route().handler(Admission.adaptive(vertx, config.overload().maxRequestsInFlight(), WebSocketRoute.PATH,
        config.maxBodyBytes()));
    readiness.mount(router);
    router.get("/openapi.json").handler(api::serve);
    PerformanceRoutes.mountMetrics(router, vertx);
    Handler<RoutingContext> jsonBody = JsonBodies.reader(config.maxBodyBytes());
    Tokens tokens = new Tokens(vertx, config.jwtSecret());
    // Dev tokens are HS256; with a JWKS they would be refused, so the route is not offered.
    if (config.devTokensEnabled() && verifier.acceptsSharedSecretTokens()) {
      DevTokenRoute devTokens = new DevTokenRoute(tokens);
      router.post("/api/v1/auth/dev-token")
          .handler(GatewayVerticle::noStore).handler(rateLimits.perClientIp()).handler(jsonBody).handler(api.validator()).handler(devTokens::handle);
    }
    SessionRoutes sessions = new SessionRoutes(services);
    // Before the authenticated chains, with its own: only the upgrade may carry its token in the query.
    IdempotencyKeys keys = new IdempotencyKeys(services, config.encryptionKey());
    Chat chat = new Chat(vertx, services, sessions, replies, journals, keys, config.http().detachedReplySeconds() * 1000L);
    sockets = new WebSocketRoute(vertx, chat, rateLimits.limiter(), config.maxBodyBytes());
    router.get(WebSocketRoute.PATH).handler(BearerAuth.orQueryToken(verifier)).handler(Roles.anyOf(Roles.USER, Roles.ADMIN))
        .handler(rateLimits.perUser()).handler(api.validator()).handler(sockets::upgrade);
    // The OpenAI-compatible routes take the same tokens, roles and per-user window as the rest of the API.
    BearerAuth bearer = new BearerAuth(verifier);
    Handler<RoutingContext> roles = Roles.anyOf(Roles.USER, Roles.ADMIN);
    Handler<RoutingContext> perUser = rateLimits.perUser();
    for (String routes : AUTHENTICATED) {
      router.route(routes).handler(bearer).handler(roles).handler(perUser).handler(GatewayVerticle::noStore);
      router.route(routes).handler(api.bodyReader(jsonBody)).handler(api.validator());
    }
    AdminAudit audit = new AdminAudit(vertx.eventBus(), templates);
    new AdminRoutes(services, verifier, audit).mount(router);
    router.route("/performance/*").handler(bearer).handler(Roles.anyOf(Roles.ADMIN)).handler(audit)
        .handler(GatewayVerticle::noStore);
    new PerformanceRoutes(vertx).mount(router, RoutingContext::next);
    new AgentRoutes(services).mount(router);
    sessions.mount(router);
    chat.messageRoutes().mount(router);
    new OpenAiRoutes(vertx, services, replies, keys, config.http().detachedReplySeconds() * 1000L).mount(router);
    new MeRoutes(services, vertx.eventBus()).mount(router);
    new ProfileRoutes(services).mount(router);
    new ProgressRoutes(services).mount(router);
    router.route().failureHandler(Problems::handleFailure);
    router.errorHandler(400, Problems::handleBadRequest);
    router.errorHandler(404, Problems::handleFailure);
    router.errorHandler(405, api::methodNotAllowed);
    router.errorHandler(500, Problems::handleFailure);
    return router;
  }

  /** Answers about a user's data are not for shared caches; a route may relax it (the agent list does). */
  private static void noStore(RoutingContext ctx) {
    ctx.response().headers().set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    ctx.next();
  }

  /** Logs the ready line once, as soon as {@code /health/ready} would answer 200. */
  private void announceWhenReady(Readiness readiness, String url) {
    readinessTimer = vertx.setPeriodic(0, 200, timer -> readiness.check().onSuccess(checks -> {
      if (Readiness.allUp(checks) && vertx.cancelTimer(timer)
          && vertx.sharedData().getLocalMap(SHARED_MAP).putIfAbsent(ANNOUNCED_KEY, true) == null) {
        LOG.info("GENESIS ready on {}", url);
      }
    }));
  }

  /**
   * Drains, then stops: readiness turns 503 and new requests get a 503 at once; live streams run on
   * until the process's shutdown deadline ({@code GENESIS_SHUTDOWN_GRACE}), then those still open are
   * cut (each stored partial and ended with an {@code error}); the server closes once every reply has
   * been stored and answered, while the services behind it still run.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(readinessTimer);
    if (tlsWatcher >= 0 && vertx.cancelTimer(tlsWatcher)) {
      vertx.sharedData().getLocalMap(SHARED_MAP).remove(TLS_WATCHER_KEY);
    }
    long graceMillis = ShutdownDeadline.start(vertx, shutdownGraceMillis);
    draining = true;
    Future<Void> drained = Future.succeededFuture();
    if (replies != null) {
      if (replies.openStreams() > 0) {
        LOG.info("shutting down: {} live streams may run on for {} ms; new requests get 503", replies.openStreams(), graceMillis);
      }
      if (sockets != null) {
        sockets.shutDown();
      }
      drained = replies.drain(graceMillis, SHUTDOWN_SETTLE_MILLIS, SHUTTING_DOWN);
    }
    return drained
        .compose(settled -> server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_FLUSH_SECONDS, TimeUnit.SECONDS))
        .eventually(() -> rateLimits == null ? Future.succeededFuture() : rateLimits.close())
        .eventually(() -> journals == null ? Future.succeededFuture() : journals.close());
  }
}
