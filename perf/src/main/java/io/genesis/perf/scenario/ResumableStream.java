package io.genesis.perf.scenario;

import io.genesis.perf.load.Workload.Iteration;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A streamed reply from GENESIS cut after {@code cutAfter} deltas (0: right after {@code meta}) and
 * resumed, as a client that lost its connection does: over SSE its connection is closed and
 * {@code GET …/messages/{replyId}/stream} with {@code Last-Event-ID} goes out on a new one; over a
 * WebSocket (a socket of its own, so that the cut cuts nothing else) the socket is closed and a
 * {@code resume} frame goes out on a new socket. The reply as a whole is one {@link StreamReply}, from
 * the message to the resumed {@code done}. A resumed reply is checked at its end: its event ids run from
 * 1 without a gap or a repeat, and its deltas before and after the cut add up to {@code done}'s content;
 * one that does not ends as {@code mismatch}. A reply that ends before its cut is not resumed. The
 * resume's latency runs from the reconnection's start to the first event it brings. Touched only from
 * the run's event loop.
 */
final class ResumableStream {
  private final StreamReply reply = new StreamReply();
  private final int cutAfter;
  private final StringBuilder text = new StringBuilder();
  /** Which connection's events count: 1 until the cut, then 2 (events still arriving on the first are dropped). */
  private int leg = 1;
  private long lastId;
  private boolean consecutive = true;
  private String replyId;
  private int deltas;
  private Runnable cut = () -> {};
  private Runnable reconnect = () -> {};
  private long reconnectNanos;
  private long resumedNanos;
  private Boolean verified;

  private ResumableStream(int cutAfter) {
    this.cutAfter = cutAfter;
  }

  /** POSTs {@code body} with the request built once ({@code prepared}) to session {@code sessionId}, as {@code token}'s user. */
  static ResumableStream overSse(HttpTarget http, RequestOptions prepared, Buffer body, String sessionId, String token,
                                 int cutAfter) {
    ResumableStream stream = new ResumableStream(cutAfter);
    stream.reconnect = () -> stream.resumeOverSse(http, sessionId, token);
    http.client().request(prepared)
        .compose(request -> {
          stream.cut = () -> request.connection().close();
          return request.send(body);
        })
        .onComplete(sent -> {
          if (sent.failed()) {
            stream.failed(1, HttpTarget.failureOf(sent.cause()), String.valueOf(sent.cause().getMessage()));
          } else {
            stream.read(1, sent.result(), "POST " + prepared.getURI());
          }
        });
    return stream;
  }

  /** Sends {@code content} to session {@code sessionId} on a socket {@code connect} opens; resumes on another. */
  static ResumableStream overWebSocket(Supplier<Future<ChatSocketClient>> connect, String sessionId, String content,
                                       int cutAfter) {
    ResumableStream stream = new ResumableStream(cutAfter);
    stream.reconnect = () -> stream.onSocket(2, connect, socket -> socket.resume(stream.replyId, stream.lastId,
        frame -> stream.event(2, frame.eventId(), frame.type(), frame.json())));
    stream.onSocket(1, connect, socket -> {
      stream.cut = socket::close;
      return socket.send(sessionId, content, frame -> stream.event(1, frame.eventId(), frame.type(), frame.json()));
    });
    return stream;
  }

  private void onSocket(int from, Supplier<Future<ChatSocketClient>> connect,
                        Function<ChatSocketClient, StreamReply> request) {
    connect.get().onComplete(opened -> {
      if (opened.failed()) {
        failed(from, ChatSocketClient.failureOf(opened.cause()), String.valueOf(opened.cause().getMessage()));
        return;
      }
      ChatSocketClient socket = opened.result();
      StreamReply sent = request.apply(socket);
      sent.future().onFailure(e -> failed(from, sent.failure(), e.getMessage()));
      reply.future().onComplete(ended -> socket.close());
    });
  }

  private void resumeOverSse(HttpTarget http, String sessionId, String token) {
    RequestOptions options = http.options(HttpMethod.GET, "/api/v1/sessions/" + sessionId + "/messages/" + replyId + "/stream",
        token).putHeader("Accept", "text/event-stream").putHeader("Last-Event-ID", Long.toString(lastId));
    http.client().request(options).compose(HttpClientRequest::send).onComplete(sent -> {
      if (sent.failed()) {
        failed(2, HttpTarget.failureOf(sent.cause()), String.valueOf(sent.cause().getMessage()));
      } else {
        read(2, sent.result(), "GET " + options.getURI());
      }
    });
  }

  private void read(int from, HttpClientResponse response, String what) {
    if (response.statusCode() != 200) {
      // 204 (nothing after the last event seen) fails too: the cut always comes before done
      response.body().onComplete(answer -> failed(from, String.valueOf(response.statusCode()),
          what + " answered " + response.statusCode() + (answer.succeeded() ? ": " + answer.result() : "")));
      return;
    }
    if (from == 1) {
      reply.opened();
    }
    SseParser parser = new SseParser((id, name, data) -> event(from, id, name, json(data)), name -> true);
    response.handler(parser::feed);
    response.exceptionHandler(e -> failed(from, HttpTarget.failureOf(e), String.valueOf(e.getMessage())));
    response.endHandler(end -> failed(from, "protocol", what + ": the stream ended without done"));
  }

  /** An event ({@code id} -1 when it had none) of connection {@code from}; {@code data} its fields. */
  void event(int from, long id, String name, JsonObject data) {
    if (from != leg || reply.isEnded() || name == null) {
      return;
    }
    if (from == 2 && resumedNanos == 0) {
      resumedNanos = System.nanoTime();
    }
    if (id != lastId + 1) {
      consecutive = false;
    }
    if (id > 0) {
      lastId = id;
    }
    switch (name) {
      case "meta" -> replyId = data.getString("replyId");
      case "delta" -> {
        deltas++;
        text.append(data.getString("text", ""));
        reply.delta();
      }
      case "done" -> done(data.getString("content"));
      case "error" -> reply.fail("error-" + Objects.requireNonNullElse(data.getValue("status"), "unknown"), data.getString("detail", data.encode()));
      default -> { }
    }
    if (leg == 1 && replyId != null && deltas >= cutAfter && !reply.isEnded()) {
      leg = 2;
      cut.run();
      reconnectNanos = System.nanoTime();
      reconnect.run();
    }
  }

  private void done(String content) {
    if (leg == 1) {
      reply.done();
      return;
    }
    verified = consecutive && text.toString().equals(content);
    if (verified) {
      reply.done();
    } else {
      reply.fail("mismatch", (consecutive ? "" : "event ids with a gap or a repeat; ") + text.length()
          + " characters of deltas against " + (content == null ? "no content" : content.length() + " stored"));
    }
  }

  private void failed(int from, String outcome, String message) {
    if (from == leg) {
      reply.fail(outcome, message);
    }
  }

  private static JsonObject json(String data) {
    try {
      return new JsonObject(data);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  StreamReply reply() {
    return reply;
  }

  /** Whether it was cut (and a resume began). */
  boolean resumed() {
    return leg == 2;
  }

  /** After a resumed {@code done}: whether it added up; null when no resumed {@code done} came. */
  Boolean verified() {
    return verified;
  }

  /** Records the resume's latency ({@code resume}) when a resumed event came. */
  void record(Iteration iteration) {
    if (resumedNanos != 0) {
      iteration.recorder().time("resume", iteration.intendedNanos(), reconnectNanos, resumedNanos);
    }
  }
}
