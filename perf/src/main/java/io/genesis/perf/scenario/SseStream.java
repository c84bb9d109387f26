package io.genesis.perf.scenario;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Sends one message whose reply streams as Server-Sent Events and reads it into a {@link StreamReply}.
 * Two dialects: GENESIS's (and the ceiling's {@code /sse}), named events {@code delta}, {@code done},
 * {@code error}; and OpenAI's chat completions, data-only chunks where a chunk with non-empty
 * {@code content} is a delta and {@code data: [DONE]} ends the stream.
 */
final class SseStream {
  enum Dialect { GENESIS, OPENAI }

  private SseStream() {}

  /** POSTs {@code body} to {@code uri} asking for {@code text/event-stream}; the reply ends with the stream. */
  static StreamReply send(HttpTarget http, String uri, String token, Buffer body, Dialect dialect) {
    return send(http, http.prepareStream(uri, token), body, dialect);
  }

  /** The same with the request built once ({@link HttpTarget#prepareStream}). */
  static StreamReply send(HttpTarget http, RequestOptions prepared, Buffer body, Dialect dialect) {
    StreamReply reply = new StreamReply();
    String uri = prepared.getURI();
    http.client().request(prepared)
        .compose(request -> {
          reply.cancelWith(() -> request.connection().close());
          return request.send(body);
        })
        .onFailure(e -> reply.fail(HttpTarget.failureOf(e), String.valueOf(e.getMessage())))
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            response.body().onComplete(answer -> reply.fail(String.valueOf(response.statusCode()),
                "POST " + uri + " answered " + response.statusCode() + (answer.succeeded() ? ": " + answer.result() : "")));
            return;
          }
          reply.opened();
          // GENESIS's deltas and done are known by their name: only an error's data is read
          SseParser parser = dialect == Dialect.GENESIS
              ? new SseParser((name, data) -> genesisEvent(reply, name, data), "error"::equals)
              : new SseParser((name, data) -> openAiEvent(reply, data));
          response.handler(parser::feed);
          response.exceptionHandler(e -> reply.fail(HttpTarget.failureOf(e), String.valueOf(e.getMessage())));
          response.endHandler(end -> reply.fail("protocol", "POST " + uri + ": the stream ended without done"));
        });
    return reply;
  }

  static void genesisEvent(StreamReply reply, String name, String data) {
    if (name == null) {
      return;
    }
    switch (name) {
      case "delta" -> reply.delta();
      case "done" -> reply.done();
      case "error" -> {
        JsonObject problem = problem(data);
        reply.fail("error-" + Objects.requireNonNullElse(problem.getValue("status"), "unknown"), problem.getString("detail", data));
      }
      default -> { }
    }
  }

  static void openAiEvent(StreamReply reply, String data) {
    String chunk = data.trim();
    if (chunk.equals("[DONE]")) {
      reply.done();
    } else if (isOpenAiDelta(chunk)) {
      reply.delta();
    } else if (chunk.startsWith("{") && chunk.contains("\"error\"") && !chunk.contains("\"choices\"")) {
      reply.fail("error", chunk);
    }
  }

  /**
   * Whether an OpenAI chunk carries text: {@code "content":} then a string that is not empty. A cheap
   * scan instead of a JSON parse per token: the role chunk ({@code "content":""}) and the last chunk
   * (no content) are not deltas; escaped text starts with a backslash, which counts.
   */
  static boolean isOpenAiDelta(String chunk) {
    int at = chunk.indexOf("\"content\"");
    while (at >= 0) {
      int i = at + 9;
      while (i < chunk.length() && Character.isWhitespace(chunk.charAt(i))) {
        i++;
      }
      if (i < chunk.length() && chunk.charAt(i) == ':') {
        i++;
        while (i < chunk.length() && Character.isWhitespace(chunk.charAt(i))) {
          i++;
        }
        if (i + 1 < chunk.length() && chunk.charAt(i) == '"' && chunk.charAt(i + 1) != '"') {
          return true;
        }
      }
      at = chunk.indexOf("\"content\"", at + 9);
    }
    return false;
  }

  private static JsonObject problem(String data) {
    try {
      return new JsonObject(data);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
