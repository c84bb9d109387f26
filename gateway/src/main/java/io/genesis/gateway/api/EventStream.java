package io.genesis.gateway.api;

import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.api.MessageRoutes.Exchange;
import io.genesis.gateway.api.MessageRoutes.Turn;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;

/**
 * The Server-Sent Events answer to a message ({@code Accept: text/event-stream}): {@code meta},
 * {@code handoff}, {@code delta}, {@code done} or {@code error}, then the stream ends; a comment
 * at once and every 15 s while waiting. Until the streaming issue lands, the reply arrives as one
 * {@code delta}, and {@code meta} is sent once the answering agent is known.
 */
final class EventStream {
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");
  /** A comment line: keeps proxies and clients from timing out while the reply is being written. */
  private static final String KEEP_ALIVE = ": keep-alive\n\n";
  private static final long KEEP_ALIVE_MILLIS = 15_000;

  private EventStream() {}

  static boolean wanted(RoutingContext ctx) {
    for (MIMEHeader accept : ctx.parsedHeaders().accept()) {
      String value = accept.value();
      if (value.equals("text/event-stream")) {
        return true;
      }
      if (value.equals("application/json") || value.equals("*/*") || value.equals("application/*")) {
        return false;
      }
    }
    return false;
  }

  /** Failures before the user's message is stored are plain problem answers; after, {@code error} events. */
  static void reply(RoutingContext ctx, Future<Turn> stored, Function<Turn, Future<Exchange>> answer) {
    stored.onFailure(ctx::fail).onSuccess(turn -> {
      HttpServerResponse response = ctx.response();
      response.setStatusCode(200).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
          .putHeader("X-Accel-Buffering", "no");
      response.write(KEEP_ALIVE);
      long keepAlive = ctx.vertx().setPeriodic(KEEP_ALIVE_MILLIS, timer -> {
        if (!response.closed()) {
          response.write(KEEP_ALIVE);
        }
      });
      response.closeHandler(closed -> ctx.vertx().cancelTimer(keepAlive));
      answer.apply(turn)
          .onComplete(done -> ctx.vertx().cancelTimer(keepAlive))
          .onSuccess(exchange -> {
            String first = exchange.handoffs().isEmpty() ? exchange.reply().agentId() : exchange.handoffs().get(0).from();
            event(response, "meta", MessageRoutes.meta(turn, first));
            exchange.handoffs().forEach(handoff -> event(response, "handoff", handoff));
            event(response, "delta", Map.of("text", exchange.reply().content()));
            event(response, "done", exchange.reply());
            end(response);
          })
          .onFailure(failure -> {
            int status = failure instanceof ServiceException se ? se.status() : 500;
            event(response, "meta", MessageRoutes.meta(turn, null));
            event(response, "error", Problem.of(status, failure.getMessage()).withInstance(ctx.request().path()));
            end(response);
          });
    });
  }

  private static void end(HttpServerResponse response) {
    if (!response.closed()) {
      response.end();
    }
  }

  private static void event(HttpServerResponse response, String name, Object data) {
    if (!response.closed()) {
      response.write("event: " + name + "\ndata: " + Json.toString(data) + "\n\n");
    }
  }
}
