package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ReplySink;
import io.genesis.common.bus.Messages.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * One HTTP exchange with the upstream: POSTs the request, reads the event stream as it comes, and
 * hands each content delta to the sink. Enforces the idle timeout once tokens flow (the first-token
 * budget belongs to the whole call: {@link Attempts}); reading pauses while the sink is paused. Any
 * failure, {@link #abort}, and a reply grown to its size limit reset the request, which closes the
 * connection, so that the upstream sees the client go away and stops generating.
 */
final class Exchange {
  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamConfig config;
  private final Buffer body;
  private final ReplySink sink;
  private final Answer answer;
  private final Promise<Void> done = Promise.promise();
  private final SseDecoder decoder = new SseDecoder();
  private final ArrayDeque<String> events = new ArrayDeque<>();
  private final ToolCallAssembler toolCalls = new ToolCallAssembler();
  private HttpClientRequest request;
  private HttpClientResponse response;
  private long tokenTimer = -1;
  private boolean responseEnded;
  private boolean waiting;
  private boolean sawEvent;
  /** A tool call's fragments have come: from then on the idle timeout watches the model, as after a delta. */
  private boolean callingTools;

  Exchange(Vertx vertx, HttpClient client, UpstreamConfig config, Buffer body, Answer answer, ReplySink sink) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.body = body;
    this.answer = answer;
    this.sink = sink;
  }

  /** Completes when the answer is whole ({@code [DONE]} or the end of the body); fails with the cause otherwise. */
  Future<Void> run() {
    done.future().onComplete(ended -> vertx.cancelTimer(tokenTimer));
    client.request(config.chatCompletions()).onComplete(ar -> {
      if (ar.succeeded()) {
        send(ar.result());
      } else {
        fail(ar.cause());
      }
    });
    return done.future();
  }

  /** The tool calls the answer made (complete once {@link #run} has succeeded). */
  ToolCallAssembler toolCalls() {
    return toolCalls;
  }

  /** Ends the exchange now with {@code reason}, closing the connection if one is open. */
  void abort(Throwable reason) {
    fail(reason);
  }

  private void send(HttpClientRequest sent) {
    request = sent;
    if (done.future().isComplete()) {
      sent.reset();
      return;
    }
    armTokenTimer();
    sent.send(body).onComplete(ar -> {
      if (ar.succeeded()) {
        receive(ar.result());
      } else {
        fail(ar.cause());
      }
    });
  }

  private void receive(HttpClientResponse received) {
    response = received;
    if (received.statusCode() != 200) {
      received.body().onComplete(error -> {
        responseEnded = true;
        fail(UpstreamFailure.status(received.statusCode(), error.succeeded() ? Chunks.errorMessage(error.result()) : "(no body)"));
      });
      return;
    }
    String type = received.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.startsWith("text/event-stream")) {
      fail(UpstreamFailure.malformed("a Content-Type of " + type + " instead of text/event-stream"));
      return;
    }
    received.handler(this::read).exceptionHandler(this::fail).endHandler(end -> {
      responseEnded = true;
      decoder.end(events::add);
      drain();
    });
  }

  private void read(Buffer piece) {
    try {
      decoder.feed(piece, events::add);
    } catch (UpstreamFailure e) {
      fail(e);
      return;
    }
    drain();
  }

  /** Handles the events read so far, stopping while the sink is paused. */
  private void drain() {
    while (!done.future().isComplete() && !events.isEmpty()) {
      if (sink.paused()) {
        if (!waiting) {
          pause();
        }
        return;
      }
      handle(events.poll());
    }
    if (responseEnded && !done.future().isComplete()) {
      if (sawEvent) {
        done.tryComplete();
      } else {
        fail(UpstreamFailure.malformed("the body ended before any event"));
      }
    }
  }

  /** Stops reading until the sink resumes; the events already read wait in {@link #events}. */
  private void pause() {
    waiting = true;
    // The consumer's slowness is not the upstream's silence: no token timeout while paused.
    vertx.cancelTimer(tokenTimer);
    response.pause();
    sink.onResume(resumed -> {
      waiting = false;
      if (done.future().isComplete()) {
        return;
      }
      armTokenTimer();
      drain();
      if (!waiting) {
        response.resume();
      }
    });
  }

  private void handle(String data) {
    sawEvent = true;
    if (data.equals("[DONE]")) {
      done.tryComplete();
      return;
    }
    Chunks.Plain plain = Chunks.plain(data);
    if (plain == null) {
      handleTree(data);
      return;
    }
    if (plain.usage() != null) {
      answer.usage(plain.usage());
    }
    answer.finishReason(plain.finishReason());
    content(plain.content());
  }

  /** A chunk of another shape than the usual, an error or not a chunk at all. */
  private void handleTree(String data) {
    try {
      JsonObject chunk = new JsonObject(data);
      if (chunk.getValue("error") != null) {
        fail(UpstreamFailure.streamError(String.valueOf(chunk.getValue("error"))));
        return;
      }
      Usage usage = Chunks.usage(chunk);
      if (usage != null) {
        answer.usage(usage);
      }
      answer.finishReason(Chunks.finishReason(chunk));
      JsonArray calls = Chunks.toolCalls(chunk);
      if (calls != null) {
        toolCalls.add(calls);
        if (!callingTools) {
          callingTools = true;
          answer.toolCallBegan();
        }
      }
      content(Chunks.content(chunk));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      fail(UpstreamFailure.malformed("an event that is not a chat.completion.chunk: " + data));
    }
  }

  private void content(String content) {
    if (content != null && !content.isEmpty() && answer.delta(content)) {
      full();
      return;
    }
    if (answer.started() || callingTools) {
      armTokenTimer();
    }
  }

  /**
   * After the first delta (or tool-call fragment): the idle timeout, restarted on every event (before it, the
   * call's budget runs).
   */
  private void armTokenTimer() {
    vertx.cancelTimer(tokenTimer);
    if (done.future().isComplete() || !answer.started() && !callingTools) {
      return;
    }
    long idle = config.settings().idleTimeoutMillis();
    tokenTimer = vertx.setTimer(idle, t -> fail(UpstreamFailure.idleTimeout(idle, answer.deltas())));
  }

  /** The reply reached its size limit: the answer is complete as it is, and the upstream stops generating. */
  private void full() {
    if (done.tryComplete() && request != null && !responseEnded) {
      request.reset();
    }
  }

  private void fail(Throwable cause) {
    if (!done.tryFail(cause)) {
      return;
    }
    if (request != null && !responseEnded) {
      request.reset();
    }
  }
}
