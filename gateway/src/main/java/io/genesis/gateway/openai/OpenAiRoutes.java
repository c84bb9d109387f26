package io.genesis.gateway.openai;

import io.genesis.gateway.http.RequestObserver;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStreams;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The OpenAI-compatible API, so any OpenAI SDK can talk to the agents: {@code GET /v1/models},
 * {@code GET /v1/models/{model}} and {@code POST /v1/chat/completions}, where a model is an agent.
 * Stateless: the conversation comes with each request and nothing is stored in sessions. Mount after
 * the auth chain and the OpenAPI validation of {@code /v1/*}; errors take OpenAI's shape in
 * {@code Problems}.
 */
public final class OpenAiRoutes {
  private final ServiceClient services;
  private final ReplyStreams replies;

  public OpenAiRoutes(ServiceClient services, ReplyStreams replies) {
    this.services = services;
    this.replies = replies;
  }

  public void mount(Router router) {
    router.get("/v1/models").handler(this::models);
    router.get("/v1/models/:model").handler(this::model);
    router.post("/v1/chat/completions").handler(this::complete);
  }

  private void models(RoutingContext ctx) {
    services.timed(RequestObserver.timings(ctx)).<AgentList>request(Addresses.AGENT_LIST, Empty.INSTANCE)
        .onSuccess(list -> Responses.json(ctx, 200, Wire.ModelList.of(list.agents())))
        .onFailure(ctx::fail);
  }

  private void model(RoutingContext ctx) {
    agent(ctx.pathParam("model"))
        .onSuccess(agent -> Responses.json(ctx, 200, Wire.Model.of(agent)))
        .onFailure(ctx::fail);
  }

  /** The agent a model names, in any case; OpenAI's 404 {@code model_not_found} for any other name. */
  private Future<AgentView> agent(String model) {
    return services.<AgentView>request(Addresses.AGENT_GET, new AgentRef(model)).recover(failure ->
        Future.failedFuture(failure instanceof ServiceException se && se.status() < 500 ? OpenAiException.modelNotFound(model) : failure));
  }

  /**
   * Opens the reply on the agent service (refused at once, with 503 and Retry-After, when its model
   * backend cannot take it), then answers it whole or as a chunk stream.
   */
  private void complete(RoutingContext ctx) {
    ChatRequest request = ChatRequest.from(JsonBodies.object(ctx));
    String userId = Caller.of(ctx).userId();
    agent(request.model())
        .compose(agent -> replies.open(new ReplyRequest(userId, null, agent.id(), null, request.content(), request.history()),
            !request.stream()))
        .onSuccess(stream -> {
          RequestObserver.modelStarted(ctx);
          answer(ctx, request, stream);
        })
        .onFailure(ctx::fail);
  }

  private static void answer(RoutingContext ctx, ChatRequest request, ReplyStream stream) {
    if (ctx.response().closed()) {
      stream.cancel(); // the client left while the reply was being opened
      return;
    }
    ChatReply reply = ChatReply.of(stream.agentId());
    if (request.stream()) {
      ChunkStream.reply(ctx, request, reply, stream);
    } else {
      collect(ctx, reply, stream);
    }
  }

  /** {@code stream:false}: the whole reply at once; a client that hangs up cancels it. */
  private static void collect(RoutingContext ctx, ChatReply reply, ReplyStream stream) {
    ctx.response().closeHandler(closed -> stream.cancel());
    stream.start(null).onSuccess(ending -> {
      if (ending.error() != null) {
        ctx.fail(ending.error());
      } else if (!ctx.response().closed()) {
        Responses.json(ctx, 200, reply.completion(ending.result().text(), ending.usage(), ending.finishReason()));
      }
    });
  }
}
