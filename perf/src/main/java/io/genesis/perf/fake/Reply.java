package io.genesis.perf.fake;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * One answer in progress: content tokens on the configured schedule, streamed as server-sent events
 * ({@code data: chunk}, then {@code data: [DONE]}) or sent as one {@code chat.completion} at the end.
 */
final class Reply {
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final FakeUpstreamOptions options;
  private final Completions shapes;
  private final boolean stream;
  private final boolean includeUsage;
  private final int promptTokens;
  private final Runnable onDone;
  private long timer = -1;
  private long firstTokenAt;
  private int sent;
  private boolean stopped;

  Reply(Vertx vertx, HttpServerResponse response, FakeUpstreamOptions options, Completions shapes, JsonObject request,
        Runnable onDone) {
    this.vertx = vertx;
    this.response = response;
    this.options = options;
    this.shapes = shapes;
    this.stream = request.getBoolean("stream", false);
    JsonObject streamOptions = request.getJsonObject("stream_options", new JsonObject());
    this.includeUsage = !stream || streamOptions.getBoolean("include_usage", false);
    this.promptTokens = Completions.promptTokens(request);
    this.onDone = onDone;
  }

  void start() {
    if (stream) {
      response.setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      event(shapes.roleChunk().encode());
    }
    schedule(options.ttftMillis());
  }

  /** Sends nothing more (the client went away, or the server closes). */
  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void next() {
    if (stopped || sent == options.hangAfterTokens()) {
      return;
    }
    if (sent == options.tokens()) {
      finish();
      return;
    }
    if (sent == 0) {
      firstTokenAt = System.currentTimeMillis();
    }
    String token = Completions.token(sent++);
    if (stream) {
      event(shapes.contentChunk(token).encode());
    }
    schedule(firstTokenAt + options.offsetMillis(sent) - System.currentTimeMillis());
  }

  private void schedule(long delayMillis) {
    if (delayMillis >= 1) {
      timer = vertx.setTimer(delayMillis, id -> next());
    } else if (response.writeQueueFull()) {
      response.drainHandler(v -> next());
    } else {
      vertx.runOnContext(v -> next());
    }
  }

  /** Counts the answer first, so that a client that has read it all sees it counted. */
  private void finish() {
    onDone.run();
    if (stream) {
      event(shapes.stopChunk().encode());
      if (includeUsage) {
        event(shapes.usageChunk(promptTokens, sent).encode());
      }
      event("[DONE]");
      response.end();
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(shapes.completion(Completions.text(sent), promptTokens, sent).toBuffer());
    }
  }

  private void event(String data) {
    response.write("data: " + data + "\n\n");
  }
}
