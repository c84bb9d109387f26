package io.genesis.agent.reply;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.agent.registry.LiveRegistry;
import io.genesis.agent.routing.AgentRouter;
import io.genesis.agent.routing.Route;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.error.ServiceException;

/**
 * Prepares a {@link ReplyRequest}: checks it and routes it over the current registry snapshot
 * ({@link AgentRouter}) into what the chosen agent's model is asked. Streaming the answer is
 * {@code io.genesis.agent.stream.StreamHub}'s job.
 */
public final class ReplyService {
  private final LiveRegistry registry;

  public ReplyService(LiveRegistry registry) {
    this.registry = registry;
  }

  /** A routed request: who answers and what the model is asked. */
  public record Prepared(Route route, ModelRequest modelRequest) {}

  /** Fails with a {@link ServiceException} 400 on blank content or an unknown agent id. */
  public Prepared prepare(ReplyRequest request) {
    AgentRegistry snapshot = registry.current();
    Route route = route(snapshot, request);
    return new Prepared(route, modelRequest(snapshot, route, request));
  }

  private static Route route(AgentRegistry snapshot, ReplyRequest request) {
    if (request == null) {
      throw ServiceException.badRequest("body: a reply request is required");
    }
    if (request.content() == null || request.content().isBlank()) {
      throw ServiceException.badRequest("content: must not be blank");
    }
    return new AgentRouter(snapshot).select(request.requestedAgentId(), request.sessionAgentId(), request.content());
  }

  private static ModelRequest modelRequest(AgentRegistry snapshot, Route route, ReplyRequest request) {
    if (route.handoff() == null) {
      return new ModelRequest(route.agent(), request.content(), null, null, request.history());
    }
    String fromName = snapshot.find(route.handoff().from()).map(AgentDefinition::name)
        .orElse(route.handoff().from());
    return new ModelRequest(route.agent(), request.content(), route.handoff(), fromName, request.history());
  }
}
