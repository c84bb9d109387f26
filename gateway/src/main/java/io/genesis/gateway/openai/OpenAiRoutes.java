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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyRecord;
import io.genesis.common.json.Json;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.idempotency.IdempotencyKeys.Claim;
import io.genesis.gateway.idempotency.IdempotencyKeys.Duplicate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
  private final Vertx vertx;
  private final ServiceClient services;
  private final ReplyStreams replies;
  private final IdempotencyKeys keys;
  private final long detachedMillis;

  /** @param detachedMillis how long a reply with an idempotency key keeps generating after its client went away */
  public OpenAiRoutes(Vertx vertx, ServiceClient services, ReplyStreams replies, IdempotencyKeys keys, long detachedMillis) {
    this.vertx = vertx;
    this.services = services;
    this.replies = replies;
    this.keys = keys;
    this.detachedMillis = detachedMillis;
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

  /** One completion under way: its reply, its stream, and its idempotency claim (null without a key). */
  private record Call(ChatReply reply, ReplyStream stream, Claim claim) {}

  /**
   * Claims the {@code Idempotency-Key} if there is one, opens the reply on the agent service (refused at once,
   * with 503 and Retry-After, when its model backend cannot take it), then answers it whole or as a chunk
   * stream. A retry with a used key gets the first answer ({@link #replay}).
   */
  private void complete(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    ChatRequest request = ChatRequest.from(body);
    String userId = Caller.of(ctx).userId();
    String key = IdempotencyKeys.key(ctx.request().getHeader(IdempotencyKeys.HEADER));
    agent(request.model())
        .compose(agent -> {
          ChatReply reply = ChatReply.of(agent.id());
          Future<Claim> claim = key == null ? Future.succeededFuture() : keys.claim(new IdempotencyClaim(userId, key,
              Messages.IDEMPOTENCY_COMPLETIONS, keys.digest(userId, key, Messages.IDEMPOTENCY_COMPLETIONS,
              IdempotencyKeys.canonical(body)), null, null, reply.id()));
          return claim.compose(claimed -> replies.open(new ReplyRequest(userId, null, agent.id(), null, request.content(),
                  request.history()), !request.stream())
              .onFailure(refused -> keys.release(claimed))
              .map(stream -> new Call(reply, stream, claimed)));
        })
        .onSuccess(call -> {
          RequestObserver.modelStarted(ctx);
          answer(ctx, request, call);
        })
        .onFailure(failure -> {
          if (failure instanceof Duplicate duplicate) {
            replay(ctx, request, duplicate.record());
          } else {
            ctx.fail(failure);
          }
        });
  }

  private void answer(RoutingContext ctx, ChatRequest request, Call call) {
    ReplyStream stream = call.stream();
    ChatReply reply = call.reply();
    // With a key, the reply is worth finishing for the retry that will come; without, nobody will read it.
    long detached = call.claim() == null ? 0 : detachedMillis;
    // Recorded before the answer ends: a retry sent once the client has its answer must find the outcome, not a 409.
    // A completion that failed or was cut (its client gone past the bound) is not kept: nothing was stored, so the
    // key is freed and the retry runs; a whole one is kept for the retries.
    Future<Void> recorded = stream.ending().compose(ending -> replies.settling(ending.error() != null
        || ending.partial() && !ending.cutAtLength() ? keys.release(call.claim())
        : keys.finish(call.claim(), outcome(reply, ending, stream.streamed() ? stream.streamedText() : ending.result().text()))));
    if (ctx.response().closed()) {
      cancelLater(stream, detached); // the client left while the reply was being opened
      if (detached > 0) {
        stream.start(null);
      }
      return;
    }
    if (request.stream()) {
      ChunkStream.reply(ctx, request, reply, stream, recorded, () -> cancelLater(stream, detached));
    } else {
      collect(ctx, reply, stream, recorded, () -> cancelLater(stream, detached));
    }
  }

  private void cancelLater(ReplyStream stream, long millis) {
    if (millis <= 0) {
      stream.cancel();
    } else {
      vertx.setTimer(millis, timer -> stream.cancel());
    }
  }

  /**
   * {@code stream:false}: the whole reply at once, once its outcome is {@code recorded}; a client that hangs up
   * cancels it ({@code gone}).
   */
  private static void collect(RoutingContext ctx, ChatReply reply, ReplyStream stream, Future<Void> recorded, Runnable gone) {
    ctx.response().closeHandler(closed -> gone.run());
    stream.start(null).compose(ending -> recorded.transform(done -> Future.succeededFuture(ending))).onSuccess(ending -> {
      if (ending.error() != null) {
        ctx.fail(ending.error());
      } else if (!ctx.response().closed()) {
        Responses.json(ctx, 200, reply.completion(ending.result().text(), ending.usage(), ending.finishReason()));
      }
    });
  }

  /** What a retry with the key gets: the whole completion. */
  private static String outcome(ChatReply reply, Ending ending, String text) {
    ObjectNode outcome = Json.MAPPER.createObjectNode();
    outcome.set("completion", Json.MAPPER.valueToTree(reply.completion(text, ending.usage(), ending.finishReason())));
    return Json.toString(outcome);
  }

  /** A retry with a used key: the first completion again (as a chunk stream if it was one), its failure, or 409 while it runs. */
  private static void replay(RoutingContext ctx, ChatRequest request, IdempotencyRecord first) {
    if (first.running()) {
      ctx.fail(IdempotencyKeys.stillRunning());
      return;
    }
    JsonNode outcome = Json.fromString(first.outcome(), JsonNode.class);
    JsonNode problem = outcome.path("problem");
    if (!problem.isMissingNode()) {
      ctx.fail(IdempotencyKeys.failure(problem));
      return;
    }
    ctx.response().putHeader("Idempotent-Replayed", "true");
    JsonNode completion = outcome.path("completion");
    if (request.stream()) {
      ChunkStream.replay(ctx, request, completion);
    } else {
      Responses.json(ctx, 200, completion);
    }
  }
}
