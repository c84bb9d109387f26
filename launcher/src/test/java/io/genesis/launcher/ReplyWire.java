package io.genesis.launcher;

import io.genesis.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The numbered events of a streamed reply as a test sees them on the wire: send a message and hang up after
 * some deltas, resume after an event id, or any request read whole. Raw HTTP/1.1 on loopback.
 */
final class ReplyWire {
  /** One Server-Sent Event: its {@code id:} (-1 when it has none), name and JSON data. */
  record Event(long id, String name, JsonObject data) {}

  /** A whole answer. */
  record Answer(int status, MultiMap headers, String body) {
    List<Event> events() {
      return parse(body);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient client;

  ReplyWire(Vertx vertx) {
    // A connection per request: with pooled keep-alive connections, a request now and then (after the 30 rounds of
    // cut-and-resume) never completed, though the gateway had logged its answer, nor timed out.
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(128));
  }

  /** The complete events of {@code body}, in order (a block not yet ended by a blank line is left out). */
  static List<Event> parse(String body) {
    List<Event> events = new ArrayList<>();
    int end = body.lastIndexOf("\n\n");
    if (end < 0) {
      return events;
    }
    for (String block : body.substring(0, end).split("\n\n")) {
      long id = -1;
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (name != null) {
        events.add(new Event(id, name, new JsonObject(data.toString())));
      }
    }
    return events;
  }

  static String deltaText(List<Event> events) {
    StringBuilder text = new StringBuilder();
    events.stream().filter(e -> e.name().equals("delta")).forEach(e -> text.append(e.data().getString("text")));
    return text.toString();
  }

  static long deltas(List<Event> events) {
    return events.stream().filter(e -> e.name().equals("delta")).count();
  }

  static String messagesPath(String sessionId) {
    return "/api/v1/sessions/" + sessionId + "/messages";
  }

  /**
   * Sends {@code content} as SSE and closes the connection once at least {@code deltas} delta events came in;
   * answers every complete event received by then (a chunk may have brought more than asked for).
   */
  Future<List<Event>> sendAndHangUp(int port, String token, String sessionId, String content, int deltas,
                                    Map<String, String> headers) {
    Promise<List<Event>> hungUp = Promise.promise();
    RequestOptions options = options(HttpMethod.POST, port, messagesPath(sessionId), token)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
    headers.forEach(options::putHeader);
    client.request(options)
        .compose(request -> request.send(new JsonObject().put("content", content).toBuffer()))
        .onFailure(hungUp::tryFail)
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            response.body().onComplete(body -> hungUp.tryFail(new AssertionError("answered " + response.statusCode()
                + ": " + (body.succeeded() ? body.result() : body.cause()))));
            return;
          }
          StringBuilder body = new StringBuilder();
          response.handler(chunk -> {
            body.append(chunk.toString());
            List<Event> seen = parse(body.toString());
            if (deltas(seen) >= deltas && hungUp.tryComplete(seen)) {
              response.request().connection().close();
            }
          });
          response.endHandler(ended -> hungUp.tryComplete(parse(body.toString())));
        });
    return hungUp.future();
  }

  /** {@code GET …/messages/{replyId}/stream} after event {@code lastEventId} (null: no header), read to its end. */
  Future<Answer> resume(int port, String token, String sessionId, String replyId, String lastEventId) {
    Map<String, String> headers = lastEventId == null ? Map.of("Accept", "text/event-stream")
        : Map.of("Accept", "text/event-stream", "Last-Event-ID", lastEventId);
    return send(HttpMethod.GET, port, messagesPath(sessionId) + "/" + replyId + "/stream", token, null, headers);
  }

  /** Any request, its answer read whole. */
  Future<Answer> send(HttpMethod method, int port, String uri, String token, Buffer body, Map<String, String> headers) {
    RequestOptions options = options(method, port, uri, token);
    headers.forEach(options::putHeader);
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(buffer -> new Answer(response.statusCode(), response.headers(), buffer.toString())));
  }

  /** A message sent as JSON ({@code sse} false) or SSE with these extra headers, read whole. */
  Future<Answer> message(int port, String token, String sessionId, String content, boolean sse, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/json");
    all.put("Accept", sse ? "text/event-stream" : "application/json");
    return send(HttpMethod.POST, port, messagesPath(sessionId), token, new JsonObject().put("content", content).toBuffer(), all);
  }

  private static RequestOptions options(HttpMethod method, int port, String uri, String token) {
    // A request left unanswered fails naming itself, well before the tests' own 30 s wait.
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri).setIdleTimeout(15_000).setConnectTimeout(10_000)
        .putHeader("Authorization", "Bearer " + token);
  }

  /**
   * Once the reply's journal in Redis holds {@code events} events: its last entry's id is its last event's;
   * looked at every 10 ms, at most {@code attempts} times.
   */
  static Future<Void> journalHolds(Vertx vertx, RedisAPI redis,
                                                 String replyId, long events, int attempts) {
    return redis.xrevrange(List.of(RedisKeys.replyEvents(replyId), "+", "-", "COUNT", "1"))
        .compose(last -> {
          long held = last == null || last.size() == 0 ? 0 : Long.parseLong(last.get(0).get(0).toString().substring(2));
          if (held >= events) {
            return Future.<Void>succeededFuture();
          }
          if (attempts == 0) {
            return Future.<Void>failedFuture(new AssertionError("the journal of " + replyId + " holds "
                + held + " events, not " + events));
          }
          Promise<Void> later = Promise.promise();
          vertx.setTimer(10, t -> journalHolds(vertx, redis, replyId, events, attempts - 1).onComplete(later));
          return later.future();
        });
  }
}
