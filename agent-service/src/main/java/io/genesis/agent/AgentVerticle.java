package io.genesis.agent;

import io.genesis.agent.metrics.AgentMeters;
import io.genesis.common.metrics.Meters;
import io.genesis.agent.model.ModelBackend;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.OfflineBackend;
import io.genesis.agent.model.upstream.UpstreamBackend;
import io.genesis.agent.model.upstream.UpstreamConfig;
import io.genesis.agent.registry.AgentLoader;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.agent.registry.AgentsWatcher;
import io.genesis.agent.registry.LiveRegistry;
import io.genesis.agent.reply.ReplyService;
import io.genesis.agent.stream.StreamHub;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Contracts;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.ShutdownDeadline;
import io.genesis.common.error.ServiceException;
import io.genesis.common.log.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent service on the event bus: {@link Addresses#AGENT_LIST}, {@link Addresses#AGENT_GET},
 * {@link Addresses#AGENT_STREAM} and {@link Addresses#AGENT_HEALTH}. Loads the agent definitions (built
 * in, or {@code agentsDir}) before it registers its consumers; start completes once they are all
 * registered. A set {@code agentsDir} is then watched and reloaded when its files change
 * ({@link AgentsWatcher}). Deployed with one instance per core: the instances share one registry, one
 * watcher and the upstream's admission ({@link AgentProcess}); each streams on its own event loop. Never
 * logs message content.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  /** After the grace, how long stopped streams may take to send their last event. */
  private static final long STOP_SETTLE_MILLIS = 2_000;

  private final Duration agentsPollInterval;
  private LiveRegistry registry;
  private ReplyService replies;
  private ModelBackend backend;
  private StreamHub streams;
  private AgentProcess process;
  private long shutdownGraceMillis;
  /** Unregistered first when stopping, so new streams and health checks go to other instances. */
  private List<MessageConsumer<?>> admitting = List.of();

  public AgentVerticle() {
    this(AgentsWatcher.DEFAULT_INTERVAL);
  }

  /** {@code agentsPollInterval}: how often {@code agentsDir}, when set, is checked for changed files. */
  public AgentVerticle(Duration agentsPollInterval) {
    this.agentsPollInterval = agentsPollInterval;
  }

  @Override
  public Future<?> start() {
    Contracts.register(vertx);
    GenesisConfig config = GenesisConfig.fromJson(config());
    shutdownGraceMillis = config.shutdownGraceMillis();
    String agentsDir = config.agentsDir() == null || config.agentsDir().isBlank() ? null : config.agentsDir().trim();
    AgentProcess.Joined joined = AgentProcess.join(vertx, context, config);
    process = joined.process();
    if (joined.loads()) {
      // One loader and one watcher per process, whatever the number of instances.
      AgentsWatcher watcher = agentsDir == null ? null : new AgentsWatcher(vertx, agentsDir, agentsPollInterval);
      process.watcher = watcher;
      (watcher == null ? AgentLoader.load(vertx, null) : watcher.load())
          .map(loaded -> {
            requireModels(config, loaded);
            LiveRegistry live = new LiveRegistry(loaded);
            if (watcher != null) {
              watcher.watch(live);
            }
            return live;
          })
          .onComplete(process.registry);
    }
    return process.registry(context)
        .compose(live -> {
          registry = live;
          backend = backend(config);
          replies = new ReplyService(registry);
          streams = new StreamHub(vertx, replies, backend, new AgentMeters(Meters.registry(vertx)), process.activeStreams);
          return registerConsumers();
        })
        .onSuccess(done -> {
          if (joined.loads()) {
            LOG.info("agent service ready: {} agents, version {}, source {}, model backend {}", registry.current().size(),
                registry.current().version(), agentsDir == null ? "built-in" : agentsDir + " (watched)",
                config.modelBaseUrl() == null ? backend.name() : backend.name() + " " + Redaction.url(config.modelBaseUrl()));
          }
        });
  }

  @Override
  public Future<?> stop() {
    admitting.forEach(MessageConsumer::unregister);
    // Live streams run on until the process's shutdown deadline; then each ends with a 503 and what it
    // generated, which the gateway stores as a partial reply.
    Future<Void> drained = streams == null ? Future.succeededFuture()
        : streams.drain(ShutdownDeadline.start(vertx, shutdownGraceMillis), STOP_SETTLE_MILLIS);
    return drained.eventually(() -> {
      if (backend != null) {
        backend.close();
      }
      if (process != null) {
        process.leave(vertx, context);
      }
      return Future.succeededFuture();
    });
  }

  /** The registry in use (for tests). */
  public LiveRegistry registry() {
    return registry;
  }

  /** The watcher of {@code agentsDir}; empty with the built-in definitions. */
  public Optional<AgentsWatcher> watcher() {
    return Optional.ofNullable(process == null ? null : process.watcher);
  }

  private ModelBackend backend(GenesisConfig config) {
    OfflineBackend offline = new OfflineBackend(vertx, process.coach, config.model().offlineTokenDelayMillis());
    return config.modelBaseUrl() == null ? offline
        : new UpstreamBackend(vertx, UpstreamConfig.from(config), offline, process.admission);
  }

  /** With an upstream, every agent needs a model: its own, or GENESIS_MODEL_NAME. */
  private static void requireModels(GenesisConfig config, AgentRegistry agents) {
    if (config.modelBaseUrl() == null || config.modelName() != null) {
      return;
    }
    List<String> without = agents.definitions().stream().filter(AgentDefinition::offline).map(AgentDefinition::id).toList();
    if (!without.isEmpty()) {
      throw new ConfigException("GENESIS_MODEL_NAME", "must be set when GENESIS_MODEL_BASE_URL is set, as agents "
          + String.join(", ", without) + " name no model of their own");
    }
  }

  private Future<Void> registerConsumers() {
    EventBus bus = vertx.eventBus();
    admitting = List.of(
        bus.<StreamReply>consumer(Addresses.AGENT_STREAM, guarded(streams::open)),
        bus.<Empty>consumer(Addresses.AGENT_HEALTH, guarded(this::health)));
    List<MessageConsumer<?>> all = new java.util.ArrayList<>(admitting);
    all.add(bus.<Empty>consumer(Addresses.AGENT_LIST, guarded(this::list)));
    all.add(bus.<AgentRef>consumer(Addresses.AGENT_GET, guarded(this::get)));
    all.addAll(streams.listen());
    return Future.all(all.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  private void list(Message<Empty> message) {
    message.reply(registry.current().asAgentList());
  }

  private void get(Message<AgentRef> message) {
    String id = message.body() == null ? null : message.body().agentId();
    if (id == null || id.isBlank()) {
      throw ServiceException.badRequest("agentId: must not be blank");
    }
    AgentView view = registry.current().find(id).map(agent -> agent.view())
        .orElseThrow(() -> ServiceException.notFound("agent '" + id.trim() + "' not found"));
    message.reply(view);
  }

  private void health(Message<Empty> message) {
    int agents = registry.current().size();
    boolean up = agents > 0;
    message.reply(new HealthReport(up, Map.of("agents", up ? "UP" : "no agents loaded")));
  }

  /** Answers a handler's exception as a failed request instead of leaving the sender to time out. */
  private static <T> Handler<Message<T>> guarded(Handler<Message<T>> handler) {
    return message -> {
      try {
        handler.handle(message);
      } catch (ServiceException e) {
        ServiceException.reply(message, e);
      } catch (RuntimeException e) {
        LOG.error("agent request on {} failed", message.address(), e);
        ServiceException.reply(message, e);
      }
    };
  }
}
