package io.genesis.gateway.http;

import io.genesis.gateway.bus.ReplyStream;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/** What every Server-Sent Events answer shares: its head, and comment keep-alives while the model thinks. */
public final class EventStreams {
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence X_ACCEL_BUFFERING = HttpHeaders.createOptimized("X-Accel-Buffering");
  private static final CharSequence NO = HttpHeaders.createOptimized("no");
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");
  private static final long KEEP_ALIVE_MILLIS = 15_000;

  private EventStreams() {}

  /**
   * Starts a 200 event stream: never compressed (identity) nor buffered by a proxy, so each event
   * reaches the client as it is written.
   */
  public static void open(HttpServerResponse response) {
    response.setStatusCode(200).setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader(X_ACCEL_BUFFERING, NO);
  }

  /** A comment every 15 s, so proxies and clients do not time out; cancel the returned timer when the stream ends. */
  public static long keepAlive(Vertx vertx, HttpServerResponse response) {
    return vertx.setPeriodic(KEEP_ALIVE_MILLIS, timer -> ping(response));
  }

  /**
   * Where a streamed reply's deltas go on an event-stream response: written by {@code write} as they
   * come, with the response's write queue as the flow control.
   */
  public static ReplyStream.Target target(HttpServerResponse response, Consumer<String> write) {
    return new ReplyStream.Target() {
      @Override
      public void delta(String text) {
        if (!response.closed()) {
          write.accept(text);
        }
      }

      @Override
      public boolean full() {
        return !response.closed() && response.writeQueueFull();
      }

      @Override
      public void onDrain(Handler<Void> handler) {
        response.drainHandler(handler);
      }
    };
  }

  /** A new buffer that starts with the keep-alive comment: a stream's first write, its first events appended. */
  public static Buffer startingWithKeepAlive() {
    return Buffer.buffer(256).appendBuffer(KEEP_ALIVE);
  }

  /** A comment line: proves the stream alive without being an event. */
  public static void ping(HttpServerResponse response) {
    if (!response.closed()) {
      response.write(KEEP_ALIVE);
    }
  }
}
