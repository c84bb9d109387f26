package io.genesis.agent.reply;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelBackend;
import io.genesis.agent.model.ModelCall;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.model.ReplySink;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.agent.registry.LiveRegistry;
import io.genesis.agent.routing.AgentRouter;
import io.genesis.agent.routing.Route;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;

/**
 * Answers a {@link ReplyRequest}: checks it, routes it over the current registry snapshot
 * ({@link AgentRouter}) and asks the backend of the chosen agent, streaming deltas to the caller.
 */
public final class ReplyService {
  private final LiveRegistry registry;
  private final ModelBackend backend;

  public ReplyService(LiveRegistry registry, ModelBackend backend) {
    this.registry = registry;
    this.backend = backend;
  }

  /** The whole reply. Fails with a {@link ServiceException} 400 on blank content or an unknown agent id. */
  public Future<ReplyResult> reply(ReplyRequest request) {
    return reply(request, delta -> { });
  }

  /** The reply, with each new piece of text passed to {@code onDelta} as the backend produces it. */
  public Future<ReplyResult> reply(ReplyRequest request, Handler<String> onDelta) {
    AgentRegistry snapshot = registry.current();
    Route route;
    try {
      route = route(snapshot, request);
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    ModelCall call;
    try {
      call = backend.admit();
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    return call.stream(modelRequest(snapshot, route, request.content()), ReplySink.unbounded(onDelta))
        .map(answer -> new ReplyResult(route.agent().id(), answer.text(), route.handoffs()));
  }

  /** A routed request: who answers and what the model is asked. Fails with a 400 like {@link #reply}. */
  public record Prepared(Route route, ModelRequest modelRequest) {}

  public Prepared prepare(ReplyRequest request) {
    AgentRegistry snapshot = registry.current();
    Route route = route(snapshot, request);
    ModelRequest model = modelRequest(snapshot, route, request.content());
    return new Prepared(route, request.history() == null ? model : model.withHistory(request.history()));
  }

  /** The routing decision alone (validates the request). */
  public Route route(ReplyRequest request) {
    return route(registry.current(), request);
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

  private static ModelRequest modelRequest(AgentRegistry snapshot, Route route, String content) {
    if (route.handoff() == null) {
      return ModelRequest.of(route.agent(), content);
    }
    String fromName = snapshot.find(route.handoff().from()).map(AgentDefinition::name)
        .orElse(route.handoff().from());
    return new ModelRequest(route.agent(), content, route.handoff(), fromName, List.of());
  }
}
