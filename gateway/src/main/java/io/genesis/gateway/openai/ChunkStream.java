package io.genesis.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.genesis.common.bus.Messages;
import io.genesis.common.json.Json;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.http.EventStreams;
import io.genesis.gateway.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * {@code stream:true}: OpenAI's chunk stream. {@code data: {chat.completion.chunk}} with the role, then a
 * chunk per piece of text as the model writes it, then one with {@code finish_reason:"stop"} (or
 * {@code "length"} when the reply was cut at its size limit), the usage
 * chunk when asked for, and {@code data: [DONE]}. A failure after the head went out is a
 * {@code data: {"error":…}} event, and the stream ends. A client that goes away cancels the reply.
 */
final class ChunkStream {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private ChunkStream() {}

  /**
   * The head goes out once the agent service took the reply's first credit: a failure before then is
   * still an HTTP error status (503 with Retry-After), which OpenAI SDKs retry; after, an error chunk. The end
   * goes out once the idempotency key's outcome is {@code recorded}.
   */
  static void reply(RoutingContext ctx, ChatRequest request, ChatReply reply, ReplyStream stream, Future<Void> recorded,
                    Runnable gone) {
    Vertx vertx = ctx.vertx();
    HttpServerResponse response = ctx.response();
    long[] keepAlive = {-1};
    response.closeHandler(closed -> {
      vertx.cancelTimer(keepAlive[0]);
      gone.run();
    });
    Future<Ending> ended = stream.start(target(response, reply));
    stream.started().onFailure(ctx::fail).onSuccess(working -> {
      EventStreams.open(response);
      data(response, reply.roleChunk());
      keepAlive[0] = EventStreams.keepAlive(vertx, response);
      ended.onComplete(done -> vertx.cancelTimer(keepAlive[0]))
          .onSuccess(ending -> recorded.onComplete(done -> finish(response, request, reply, ending, RequestIds.of(ctx))));
    });
  }

  /** A retry's replay of a completed chunk stream: the role, the whole text in one chunk, the end, the usage if asked. */
  static void replay(RoutingContext ctx, ChatRequest request, JsonNode completion) {
    HttpServerResponse response = ctx.response();
    ChatReply reply = new ChatReply(completion.path("id").asText(), completion.path("created").asLong(),
        completion.path("model").asText());
    JsonNode choice = completion.path("choices").path(0);
    String text = choice.path("message").path("content").asText("");
    JsonNode usage = completion.path("usage");
    EventStreams.open(response);
    data(response, reply.roleChunk());
    if (!text.isEmpty()) {
      data(response, reply.contentChunk(text));
    }
    data(response, reply.stopChunk(choice.path("finish_reason").asText(null)));
    if (request.includeUsage()) {
      data(response, reply.usageChunk(new Messages.Usage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt())));
    }
    write(response, DONE);
    response.end();
  }

  private static void finish(HttpServerResponse response, ChatRequest request, ChatReply reply, Ending ending,
                             String requestId) {
    if (ending.error() != null) {
      data(response, OpenAiError.of(ending.error(), requestId));
    } else {
      data(response, reply.stopChunk(ending.finishReason()));
      if (request.includeUsage()) {
        data(response, reply.usageChunk(ending.usage()));
      }
      write(response, DONE);
    }
    if (!response.closed()) {
      response.end();
    }
  }

  /** Chunks are written as the deltas come, with the client's write queue as the flow control. */
  private static ReplyStream.Target target(HttpServerResponse response, ChatReply reply) {
    return EventStreams.target(response, text -> data(response, reply.contentChunk(text)));
  }

  private static void data(HttpServerResponse response, Object body) {
    byte[] json = Json.toBytes(body);
    write(response, Buffer.buffer(json.length + DATA.length + END.length).appendBytes(DATA).appendBytes(json).appendBytes(END));
  }

  private static void write(HttpServerResponse response, Buffer event) {
    if (!response.closed()) {
      response.write(event);
    }
  }
}
