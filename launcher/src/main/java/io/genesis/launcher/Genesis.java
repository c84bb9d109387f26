package io.genesis.launcher;

import io.genesis.agent.AgentVerticle;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.DefaultTrustStore;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.metrics.Meters;
import io.genesis.embedded.EmbeddedServices;
import io.genesis.gateway.GatewayVerticle;
import io.genesis.session.SessionVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running GENESIS process: the embedded databases it needed, one Vert.x instance and the
 * services it deploys on it. {@link #start} and {@link #close} block, so they belong to the main
 * thread, the shutdown hook or a test.
 */
public final class Genesis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Genesis.class);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  /** Past GENESIS_START_TIMEOUT, how long a deployment may take before the start is given up anyway. */
  private static final Duration DEPLOY_MARGIN = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final EmbeddedServices embedded;
  private final GenesisConfig config;
  private final Deployments deployments;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Genesis(Vertx vertx, EmbeddedServices embedded, GenesisConfig config, Deployments deployments) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.config = config;
    this.deployments = deployments;
  }

  /** What was deployed, in order, and the gateway's port (-1 without a gateway). */
  private record Deployments(List<String> ids, int httpPort) {}

  /**
   * Refuses deployments that cannot work: clustered session services each on their own embedded
   * database would split users' data between them.
   */
  public static void check(GenesisConfig config, Set<Service> services, boolean clustered) {
    if (clustered && config.clusterMembers() == null) {
      // Never multicast: a member that found no one would serve alone without a word.
      throw new ConfigException("GENESIS_CLUSTER_MEMBERS", "is required with --cluster: host:port of the members to join "
          + "(this one may be among them), e.g. 127.0.0.1:5701,127.0.0.1:5702 on one machine");
    }
    if (clustered && services.contains(Service.SESSION)) {
      if (config.pgUrl() == null) {
        throw new ConfigException("GENESIS_PG_URL", "is required with --cluster (every session service must share one database)");
      }
      if (config.redisUrl() == null) {
        throw new ConfigException("GENESIS_REDIS_URL", "is required with --cluster (every session service must share one Redis)");
      }
    }
  }

  public static Genesis start(GenesisConfig settings, Set<Service> services, boolean clustered) {
    check(settings, services, clustered);
    if (DefaultTrustStore.needed(settings)) {
      DefaultTrustStore.load(); // here, before any event loop opens a TLS connection (the upstream model, a JWKS URL)
    }
    EmbeddedServices embedded = startEmbeddedIfNeeded(settings, services);
    GenesisConfig config = resolveDevTokens(embedded == null ? settings : settings.withDatabases(
        settings.pgUrl() != null ? settings.pgUrl() : embedded.pgUrl(),
        settings.redisUrl() != null ? settings.redisUrl() : embedded.redisUrl()), settings, services);
    Vertx vertx = null;
    try {
      String registryName = "genesis-" + UUID.randomUUID();
      vertx = Await.result(Clustering.vertx(builder(config, registryName, clustered), config, clustered, services), START_TIMEOUT,
          clustered ? "joining the cluster" : "starting Vert.x");
      if (config.observability().metricsEnabled()) {
        Meters.register(vertx, registryName);
        Meters.bindProcessMetrics(vertx);
      }
      // The services bound and retry their own start-up steps within GENESIS_START_TIMEOUT and fail naming
      // the step; this wait is only the last resort, a little longer.
      Duration deployTimeout = Duration.ofMillis(config.startup().startTimeoutMillis()).plus(DEPLOY_MARGIN);
      Deployments deployments = Await.result(deploy(vertx, config, services), deployTimeout,
          "starting " + services.stream().map(Service::cliName).toList());
      return new Genesis(vertx, embedded, config, deployments);
    } catch (RuntimeException e) {
      if (vertx != null) {
        closeQuietly(vertx);
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Vert.x with Micrometer metrics (Prometheus), unless GENESIS_METRICS=false. */
  private static VertxBuilder builder(GenesisConfig config, String registryName, boolean clustered) {
    boolean metrics = config.observability().metricsEnabled();
    VertxOptions options = new VertxOptions().setMetricsOptions(Meters.options(metrics, registryName));
    ClusterTls.configure(options.getEventBusOptions(), config.tls());
    VertxBuilder builder = Vertx.builder().with(clustered ? Clustering.eventBus(options, config.cluster()) : options);
    return metrics ? builder.withMetrics(new MicrometerMetricsFactory(Meters.newRegistry())) : builder;
  }

  /**
   * PostgreSQL for the session service; Redis for the session service (L2 cache) and for the
   * gateway (its rate limiter shares every caller's window through it).
   */
  private static EmbeddedServices startEmbeddedIfNeeded(GenesisConfig config, Set<Service> services) {
    boolean pg = services.contains(Service.SESSION) && config.pgUrl() == null;
    boolean redis = (services.contains(Service.SESSION) || services.contains(Service.GATEWAY)) && config.redisUrl() == null;
    if (redis && !services.contains(Service.SESSION)) {
      LOG.warn("GENESIS_REDIS_URL is not set: this gateway uses its own embedded Redis, so its rate limits "
          + "are not shared with other gateways; point every gateway at one Redis to share them");
    }
    return pg || redis ? EmbeddedServices.start(Path.of(config.dataDir()), pg, redis) : null;
  }

  /**
   * Development tokens, unless set, are on only in the embedded default: every service in this JVM
   * on embedded stores. A gateway deployed alone never mints tokens unless told to.
   */
  private static GenesisConfig resolveDevTokens(GenesisConfig config, GenesisConfig settings, Set<Service> services) {
    if (config.devTokens() != null) {
      return config;
    }
    boolean embeddedDefault = settings.pgUrl() == null && settings.redisUrl() == null
        && services.equals(EnumSet.allOf(Service.class));
    if (embeddedDefault && !isLoopback(config.httpHost())) {
      LOG.warn("development tokens are off: GENESIS_HTTP_HOST {} is reachable from other machines "
          + "(set GENESIS_DEV_TOKENS=true to turn them on anyway)", config.httpHost());
      return config.withDevTokens(false);
    }
    if (embeddedDefault) {
      LOG.warn("development tokens are on (embedded default): anyone reaching the gateway can mint one; "
          + "set GENESIS_DEV_TOKENS=false to turn them off");
    }
    return config.withDevTokens(embeddedDefault);
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Every service at once: they meet only over the event bus, and the gateway logs its ready line only
   * once every service answers, so the session service's migrations overlap the others' start-up. The
   * ids keep the order session, agents, operator, gateway, so that {@link #close} stops the gateway first.
   */
  private static Future<Deployments> deploy(Vertx vertx, GenesisConfig config, Set<Service> services) {
    JsonObject json = config.toJson();
    List<Future<String>> deployments = new ArrayList<>();
    if (services.contains(Service.SESSION)) {
      // Alone, it serves gateways of other processes, which may be draining when it is told to stop.
      boolean servesOthers = !services.contains(Service.GATEWAY);
      // One per core like the gateway: row decoding, encryption and JSON on every event loop; the
      // instances share one pool, one L1 and one invalidation subscriber.
      deployments.add(vertx.deployVerticle(() -> new SessionVerticle(servesOthers), new DeploymentOptions().setConfig(json)
          .setInstances(perCore())));
    }
    if (services.contains(Service.AGENT)) {
      // One per core like the gateway: replies stream on every event loop, not all on one.
      deployments.add(vertx.deployVerticle(() -> new AgentVerticle(), new DeploymentOptions().setConfig(json)
          .setInstances(perCore())));
    }
    Integer operatorPort = operatorPort(config, services);
    if (operatorPort != null) {
      deployments.add(vertx.deployVerticle(new OperatorVerticle(operatorPort), new DeploymentOptions().setConfig(json)));
    }
    boolean gateway = services.contains(Service.GATEWAY);
    if (gateway) {
      deployments.add(deployGateways(vertx, config));
    }
    return Future.join(deployments).transform(done -> {
      List<String> ids = new ArrayList<>();
      deployments.stream().filter(Future::succeeded).forEach(d -> ids.add(d.result()));
      if (done.failed()) {
        // Stop what did start before failing with the first cause.
        Throwable cause = deployments.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(done.cause());
        return Future.join(ids.stream().map(vertx::undeploy).toList()).transform(ignored -> Future.failedFuture(cause));
      }
      int port = gateway ? (Integer) vertx.sharedData().getLocalMap(GatewayVerticle.SHARED_MAP).get(GatewayVerticle.PORT_KEY) : -1;
      return Future.succeededFuture(new Deployments(ids, port));
    });
  }

  /**
   * GENESIS_METRICS_PORT when set; without it, a process with no gateway still exposes its metrics, on
   * any free port (logged); a process with a gateway serves them on the gateway's port.
   */
  private static Integer operatorPort(GenesisConfig config, Set<Service> services) {
    Integer port = config.observability().metricsPort();
    return port != null ? port : services.contains(Service.GATEWAY) ? null : 0;
  }

  /** The operator port, or -1 when this process has none. */
  public int operatorPort() {
    Object port = vertx.sharedData().getLocalMap(OperatorVerticle.SHARED_MAP).get(OperatorVerticle.PORT_KEY);
    return port == null ? -1 : (Integer) port;
  }

  /** One gateway per core, all on the same port (with port 0: one free port they share). */
  private static Future<String> deployGateways(Vertx vertx, GenesisConfig config) {
    return vertx.deployVerticle(GatewayVerticle::new, new DeploymentOptions().setConfig(config.toJson()).setInstances(perCore()));
  }

  private static int perCore() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public Vertx vertx() {
    return vertx;
  }

  public GenesisConfig config() {
    return config;
  }

  /** The port the gateway listens on, or -1 when this process runs no gateway. */
  public int httpPort() {
    return deployments.httpPort();
  }

  /**
   * Stops in the reverse order of start: the gateway drains first (readiness and new requests 503 at
   * once; live streams run on for {@code GENESIS_SHUTDOWN_GRACE}, then those still open are stored as
   * partial and ended with an error) while the services behind it still answer; then agents, then
   * sessions (closing the pools); then the event bus and the embedded servers.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<String> ids = new ArrayList<>(deployments.ids());
    Collections.reverse(ids);
    // Each service waits at most until the one deadline of the process, then a few seconds to settle.
    Duration stopTimeout = STOP_TIMEOUT.plusMillis(config.shutdownGraceMillis());
    for (String id : ids) {
      try {
        Await.result(vertx.undeploy(id), stopTimeout);
      } catch (RuntimeException e) {
        LOG.warn("deployment {} did not stop cleanly: {}", id, e.getMessage());
      }
    }
    closeQuietly(vertx);
    if (embedded != null) {
      embedded.close();
    }
    LOG.info("GENESIS stopped");
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      Await.result(vertx.close(), STOP_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    }
  }
}
