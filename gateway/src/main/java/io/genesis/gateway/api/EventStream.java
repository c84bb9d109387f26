package io.genesis.gateway.api;

import io.genesis.gateway.api.Exchanges.Settled;
import io.genesis.gateway.api.Exchanges.Turn;
import io.genesis.gateway.api.Replays.Source;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.bus.ReplyStream.Ending;
import io.genesis.gateway.http.EventStreams;
import io.genesis.gateway.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;

/**
 * The Server-Sent Events answer to a message ({@code Accept: text/event-stream}): {@code meta} (with the
 * id the reply will be stored under), {@code handoff}, then {@code delta}s as the model writes (the first
 * token alone, then what it wrote since the last delta, in one event), then {@code done} (the stored reply)
 * or {@code error} (a problem), and the stream ends. Every event has an {@code id:}, numbered from 1, so a
 * client that drops resumes after the last one it saw ({@link MessageRoutes}). A comment goes out at once
 * and every 15 s, so proxies and clients do not time out while the model thinks. A client that goes away
 * leaves the reply generating for the detached bound, then it is stored (partial if it was cut).
 */
final class EventStream {
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DELTA_START = "\nevent: delta\ndata: {\"text\":".getBytes(StandardCharsets.UTF_8);
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
    ReplyStream stream = turn.stream();
    ReplyEvents events = turn.events();
    if (response.closed()) {
      // gone while its message was being stored: the reply runs on for a client that resumes
      events.meta(Exchanges.meta(turn));
      stream.handoffs().forEach(events::handoff);
      events.detach();
    } else {
      EventStreams.open(response);
      // The head, a keep-alive comment, meta and the handoffs in one write: one flush instead of one each.
      Client client = new Client(response, EventStreams.startingWithKeepAlive());
      events.attach(client);
      events.meta(Exchanges.meta(turn));
      stream.handoffs().forEach(events::handoff);
      client.flushOpening();
    }
    long keepAlive = EventStreams.keepAlive(ctx.vertx(), response);
    response.closeHandler(closed -> {
      ctx.vertx().cancelTimer(keepAlive);
      events.detach();
    });
    stream.start(events)
        .compose(ending -> settle.apply(turn, ending))
        .onComplete(settled -> ctx.vertx().cancelTimer(keepAlive))
        .onSuccess(settled -> {
          if (settled.ending().error() != null) {
            events.error(settled.ending().error(), RequestIds.of(ctx), ctx.request().path());
          } else if (settled.reply() != null) {
            events.done(settled.reply());
          } else {
            events.error(Exchanges.NOTHING_GENERATED, RequestIds.of(ctx), ctx.request().path());
          }
          end(response);
        })
        .onFailure(failure -> {
          events.error(failure, RequestIds.of(ctx), ctx.request().path());
          end(response);
        });
  }

  /**
   * Sends a reply from {@code source} (a resume, or a retry's replay): {@code 204} when the client has seen its
   * end already (so an {@code EventSource} stops reconnecting).
   */
  static void replay(RoutingContext ctx, Replays replays, String userId, Source source, boolean whole) {
    HttpServerResponse response = ctx.response();
    if (source instanceof Replays.Ended) {
      response.setStatusCode(204).end();
      return;
    }
    EventStreams.open(response);
    response.write(EventStreams.startingWithKeepAlive());
    long keepAlive = EventStreams.keepAlive(ctx.vertx(), response);
    Client client = new Client(response, null);
    response.closeHandler(closed -> {
      ctx.vertx().cancelTimer(keepAlive);
      client.closed(); // a replay waiting for the client to drain goes on, finds it gone, and stops
    });
    replays.stream(userId, source, client, response::closed, whole, RequestIds.of(ctx), ctx.request().path())
        .onComplete(done -> {
          ctx.vertx().cancelTimer(keepAlive);
          if (done.failed()) {
            client.event(0, "error", ReplyEvents.problemData(done.cause(), RequestIds.of(ctx), ctx.request().path()));
          }
          end(response);
        });
  }

  private static void end(HttpServerResponse response) {
    if (!response.closed()) {
      response.end();
    }
  }

  /** Events as SSE, each with its {@code id:} (none for id 0), with the response's write queue as the flow control. */
  static final class Client implements ReplyEvents.Client {
    private final HttpServerResponse response;
    private Buffer opening;
    private Handler<Void> waiting;

    Client(HttpServerResponse response, Buffer opening) {
      this.response = response;
      this.opening = opening;
    }

    void flushOpening() {
      if (opening != null && !response.closed()) {
        response.write(opening);
      }
      opening = null;
    }

    @Override
    public void event(long id, String name, String data) {
      String text = (id > 0 ? "id: " + id + "\n" : "") + "event: " + name + "\ndata: " + data + "\n\n";
      if (opening != null) {
        opening.appendString(text);
      } else if (!response.closed()) {
        response.write(text);
      }
    }

    @Override
    public void delta(long id, String quoted) {
      if (response.closed()) {
        return;
      }
      Buffer event = Buffer.buffer(quoted.length() + 64).appendBytes(ID).appendString(Long.toString(id))
          .appendBytes(DELTA_START).appendString(quoted).appendBytes(EVENT_END);
      if (opening != null) {
        opening.appendBuffer(event);
      } else {
        response.write(event);
      }
    }

    @Override
    public boolean full() {
      return !response.closed() && response.writeQueueFull();
    }

    @Override
    public void onDrain(Handler<Void> handler) {
      waiting = handler;
      response.drainHandler(drained -> {
        waiting = null;
        handler.handle(null);
      });
    }

    /** A closed response never drains: whoever waits for it is called now. */
    void closed() {
      Handler<Void> handler = waiting;
      waiting = null;
      if (handler != null) {
        handler.handle(null);
      }
    }
  }
}
