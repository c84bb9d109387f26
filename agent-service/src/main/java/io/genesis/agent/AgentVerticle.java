package io.genesis.agent;

import io.genesis.agent.coach.OfflineCoach;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelBackend;
import io.genesis.agent.model.OfflineBackend;
import io.genesis.agent.model.upstream.UpstreamBackend;
import io.genesis.agent.model.upstream.UpstreamConfig;
import io.genesis.agent.registry.AgentLoader;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.agent.registry.LiveRegistry;
import io.genesis.agent.reply.ReplyService;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Contracts;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.config.ConfigException;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent service on the event bus: {@link Addresses#AGENT_LIST}, {@link Addresses#AGENT_GET},
 * {@link Addresses#AGENT_REPLY} and {@link Addresses#AGENT_HEALTH}. Loads the agent definitions (built
 * in, or {@code agentsDir}) before it registers its consumers; start completes once they are all
 * registered. Never logs message content.
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);

  private LiveRegistry registry;
  private ModelBackend backend;
  private ReplyService replies;

  @Override
  public Future<?> start() {
    Contracts.register(vertx);
    GenesisConfig config = GenesisConfig.fromJson(config());
    return AgentLoader.load(vertx, config.agentsDir())
        .compose(loaded -> {
          requireModels(config, loaded);
          registry = new LiveRegistry(loaded);
          backend = backend(config);
          replies = new ReplyService(registry, backend);
          return registerConsumers();
        })
        .onSuccess(done -> LOG.info("agent service ready: {} agents, version {}, source {}, model backend {}",
            registry.current().size(), registry.current().version(),
            config.agentsDir() == null ? "built-in" : config.agentsDir(),
            config.modelBaseUrl() == null ? backend.name() : backend.name() + " " + config.modelBaseUrl()));
  }

  @Override
  public Future<?> stop() {
    if (backend != null) {
      backend.close();
    }
    return Future.succeededFuture();
  }

  /** The registry in use (for a later reload/watch, and for tests). */
  public LiveRegistry registry() {
    return registry;
  }

  private ModelBackend backend(GenesisConfig config) {
    OfflineBackend offline = new OfflineBackend(vertx, new OfflineCoach(), config.model().offlineTokenDelayMillis());
    return config.modelBaseUrl() == null ? offline : new UpstreamBackend(vertx, UpstreamConfig.from(config), offline);
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
    List<MessageConsumer<?>> consumers = List.of(
        bus.<Empty>consumer(Addresses.AGENT_LIST, guarded(this::list)),
        bus.<AgentRef>consumer(Addresses.AGENT_GET, guarded(this::get)),
        bus.<ReplyRequest>consumer(Addresses.AGENT_REPLY, guarded(this::reply)),
        bus.<Empty>consumer(Addresses.AGENT_HEALTH, guarded(this::health)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
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

  private void reply(Message<ReplyRequest> message) {
    long started = System.nanoTime();
    replies.reply(message.body()).onComplete(
        result -> {
          logReply(result, started);
          message.reply(result);
        },
        failure -> {
          LOG.debug("reply failed: {}", failure.getMessage());
          ServiceException.reply(message, failure);
        });
  }

  private void health(Message<Empty> message) {
    int agents = registry.current().size();
    boolean up = agents > 0;
    message.reply(new HealthReport(up, Map.of("agents", up ? "UP" : "no agents loaded")));
  }

  private static void logReply(ReplyResult result, long started) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("reply by {} ({} chars, {} handoffs) in {} µs", result.agentId(), result.text().length(),
          result.handoffs().size(), (System.nanoTime() - started) / 1000);
    }
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
