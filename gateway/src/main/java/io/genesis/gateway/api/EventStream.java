package io.genesis.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.api.Exchanges.Settled;
import io.genesis.gateway.api.Exchanges.Turn;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.http.EventStreams;
import io.genesis.gateway.http.Problems;
import io.genesis.gateway.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Server-Sent Events answer to a message ({@code Accept: text/event-stream}): {@code meta},
 * {@code handoff}, then {@code delta}s as the model writes (the first token alone, then what it wrote
 * since the last delta, in one event), then {@code done} (the stored
 * reply) or {@code error} (a problem), and the stream ends. A comment goes out at once and every 15 s,
 * so proxies and clients do not time out while the model thinks. A client that goes away cancels the
 * reply; what was generated is stored, marked partial.
 */
final class EventStream {
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
  private static final byte[] DELTA_START = "event: delta\ndata: {\"text\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_END = "}\n\n".getBytes(StandardCharsets.UTF_8);

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

  /** Streams the reply of {@code turn} (its user message is stored) and settles it with {@code settle}. */
  static void reply(RoutingContext ctx, Turn turn, BiFunction<Turn, Ending, Future<Settled>> settle) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      // gone while its message was being stored: nothing to stream to, nothing generated
      turn.stream().cancel();
      return;
    }
    EventStreams.open(response);
    ReplyStream stream = turn.stream();
    // The head, a keep-alive comment, meta and the handoffs in one write: one flush instead of one each.
    Buffer opening = EventStreams.startingWithKeepAlive().appendString(eventText("meta", Exchanges.meta(turn)));
    stream.handoffs().forEach(handoff -> opening.appendString(eventText("handoff", handoff)));
    response.write(opening);
    long keepAlive = EventStreams.keepAlive(ctx.vertx(), response);
    response.closeHandler(closed -> {
      ctx.vertx().cancelTimer(keepAlive);
      stream.cancel();
    });
    stream.start(target(response))
        .compose(ending -> settle.apply(turn, ending))
        .onComplete(settled -> ctx.vertx().cancelTimer(keepAlive))
        .onSuccess(settled -> {
          if (settled.ending().error() != null) {
            error(ctx, settled.ending().error());
          } else if (settled.reply() != null) {
            event(response, "done", settled.reply());
          }
          end(response);
        })
        .onFailure(failure -> {
          error(ctx, failure);
          end(response);
        });
  }

  /** Deltas are written as they come, with the client's write queue as the flow control. */
  static ReplyStream.Target target(HttpServerResponse response) {
    return EventStreams.target(response, text -> response.write(Buffer.buffer(text.length() + 48)
        .appendBytes(DELTA_START).appendString(Json.toString(text)).appendBytes(EVENT_END)));
  }

  /** The {@code error} event: a problem, with {@code retryAfterSeconds} when a retry may succeed later. */
  private static void error(RoutingContext ctx, Throwable failure) {
    Problem problem;
    int retryAfter = 0;
    if (failure instanceof ServiceException se) {
      String detail = se.status() >= 500 ? Problems.withRequestId(se.getMessage(), RequestIds.of(ctx)) : se.getMessage();
      problem = Problem.of(se.status(), detail);
      retryAfter = se.retryAfterSeconds();
    } else {
      LOG.error("streamed reply to {} failed", ctx.request().path(), failure);
      problem = Problem.of(500, "unexpected error; the request id identifies it in the logs");
    }
    ObjectNode data = Json.MAPPER.valueToTree(problem.withInstance(ctx.request().path()));
    if (retryAfter > 0 || Problems.retryable(problem.status())) {
      data.put("retryAfterSeconds", Math.max(1, retryAfter));
    }
    event(ctx.response(), "error", data);
  }

  private static void end(HttpServerResponse response) {
    if (!response.closed()) {
      response.end();
    }
  }

  private static void event(HttpServerResponse response, String name, Object data) {
    if (!response.closed()) {
      response.write(eventText(name, data));
    }
  }

  private static String eventText(String name, Object data) {
    return "event: " + name + "\ndata: " + Json.toString(data) + "\n\n";
  }
}
