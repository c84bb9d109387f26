package io.genesis.perf.scenario;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One chat WebSocket to GENESIS ({@code GET /api/v1/ws}) carrying many streamed replies: a
 * {@code {"type":"message",requestId,sessionId,content}} frame per message (or a {@code resume} frame),
 * and the server's frames matched back to it by request id ({@code delta}s, then {@code done} or
 * {@code error}). A request id is the message's idempotency key on the server, for a day and across
 * sockets: each socket's ids start with a random prefix of its own, so that no run repeats another's. The gateway
 * takes at most {@value #MAX_IN_FLIGHT} requests in flight per socket; more wait here, in order, and
 * their wait counts in their latency. Lives on the event loop that connected it.
 */
final class ChatSocketClient {
  static final int MAX_IN_FLIGHT = 8;
  static final String PATH = "/api/v1/ws";
  /** How the gateway starts every delta frame; the request id follows, then {@link #EVENT_ID} and the text. */
  private static final String DELTA_PREFIX = "{\"type\":\"delta\",\"requestId\":\"";
  private static final String EVENT_ID = "\",\"eventId\":";

  private final WebSocket ws;
  private final Context context;
  private final Map<String, StreamReply> inFlight = new HashMap<>();
  /** The requests whose every frame is wanted whole (a stream to resume), by request id. */
  private final Map<String, Consumer<Frame>> observed = new HashMap<>();
  /** 64 random bits (not SecureRandom: it may read /dev/random, and this runs on an event loop). */
  private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + "-";
  private final ArrayDeque<Queued> waiting = new ArrayDeque<>();
  private Consumer<String> closedByServer = reason -> {};
  private boolean closing;
  private boolean closed;
  private long requests;

  private record Queued(String requestId, String frame, StreamReply reply) {}

  /**
   * A frame from the server: its type, request id (null when none), event id (-1 when none), and the
   * whole object (null for a delta read from its prefix).
   */
  record Frame(String type, String requestId, long eventId, JsonObject json) {}

  private ChatSocketClient(WebSocket ws, Context context) {
    this.ws = ws;
    this.context = context;
    ws.textMessageHandler(this::received);
    ws.closeHandler(gone -> closed());
  }

  /** The options every connection copies; built on the caller's thread, not on an event loop. */
  static WebSocketConnectOptions template(HttpTarget http, long timeoutMillis) {
    return new WebSocketConnectOptions().setHost(http.host()).setPort(http.port()).setSsl(http.ssl()).setURI(PATH)
        .setConnectTimeout(timeoutMillis).setTimeout(timeoutMillis);
  }

  /** Opens a socket with {@code token} (sent as {@code Authorization: Bearer}). */
  static Future<ChatSocketClient> connect(WebSocketClient client, WebSocketConnectOptions template, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions(template);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client.connect(options).map(ws -> new ChatSocketClient(ws, Vertx.currentContext()));
  }

  /** The outcome a failed connection attempt counts under: the upgrade's status, {@code timeout} or {@code connection}. */
  static String failureOf(Throwable cause) {
    if (cause instanceof UpgradeRejectedException rejected) {
      return String.valueOf(rejected.getStatus());
    }
    return HttpTarget.failureOf(cause);
  }

  /** Called with the close code (or {@code "reset"} without one) when the server, not we, closed the socket. */
  ChatSocketClient onClosedByServer(Consumer<String> handler) {
    this.closedByServer = handler;
    return this;
  }

  boolean isOpen() {
    return !closed && !closing;
  }

  /** Requests in flight or waiting on this socket. */
  int load() {
    return inFlight.size() + waiting.size();
  }

  /** Sends {@code content} to session {@code sessionId}; the reply ends at its {@code done} or {@code error}. */
  StreamReply send(String sessionId, String content) {
    return send(sessionId, content, null);
  }

  /** The same, with each frame of the reply also given whole, parsed, to {@code observer} (null: none). */
  StreamReply send(String sessionId, String content, Consumer<Frame> observer) {
    return request("message", new JsonObject().put("sessionId", sessionId).put("content", content), observer);
  }

  /** Resumes reply {@code messageId} after event {@code lastEventId}: its frames go to {@code observer}. */
  StreamReply resume(String messageId, long lastEventId, Consumer<Frame> observer) {
    return request("resume", new JsonObject().put("messageId", messageId).put("lastEventId", lastEventId), observer);
  }

  private StreamReply request(String type, JsonObject fields, Consumer<Frame> observer) {
    StreamReply reply = new StreamReply();
    if (!isOpen()) {
      // never synchronously: a closed-model user would loop on the failure without yielding
      context.runOnContext(later -> reply.fail("closed", "the socket is closed"));
      return reply;
    }
    String requestId = idPrefix + ++requests;
    if (observer != null) {
      observed.put(requestId, observer);
    }
    String frame = new JsonObject().put("type", type).put("requestId", requestId).mergeIn(fields).encode();
    waiting.add(new Queued(requestId, frame, reply));
    sendWaiting();
    return reply;
  }

  /** A WebSocket PING, which keeps the server's idle timeout away from an idle socket. */
  void ping() {
    if (isOpen()) {
      ws.writePing(Buffer.buffer());
    }
  }

  /** Closes the socket; what is in flight ends as {@code closed}. */
  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closing = true;
    return ws.close().otherwiseEmpty();
  }

  private void sendWaiting() {
    while (inFlight.size() < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      Queued next = waiting.poll();
      inFlight.put(next.requestId(), next.reply());
      ws.writeTextMessage(next.frame()).onFailure(e -> finish(next.requestId(), "connection", String.valueOf(e.getMessage())));
    }
  }

  private void received(String text) {
    Frame frame;
    try {
      frame = read(text);
    } catch (RuntimeException e) {
      return; // not ours to judge: only frames of our requests count
    }
    StreamReply reply = frame.requestId() == null ? null : inFlight.get(frame.requestId());
    if (reply == null) {
      return;
    }
    Consumer<Frame> observer = observed.get(frame.requestId());
    if (observer != null) {
      observer.accept(frame.json() != null ? frame : read(text, false));
    }
    switch (frame.type()) {
      case "delta" -> reply.delta();
      case "done" -> finish(frame.requestId(), null, null);
      case "error" -> finish(frame.requestId(), "error-" + Objects.requireNonNullElse(frame.json().getValue("status"), "unknown"),
          frame.json().getString("detail", text));
      default -> { }
    }
  }

  /**
   * Reads a server frame. Deltas, by far the most frames, are recognised by what the gateway writes
   * before their text ({@code {"type":"delta","requestId":"ID","eventId":N,"text":}) and not parsed;
   * anything else is parsed as JSON (a frame that is not one throws).
   */
  static Frame read(String text) {
    return read(text, true);
  }

  private static Frame read(String text, boolean fast) {
    if (fast && text.startsWith(DELTA_PREFIX)) {
      int end = text.indexOf('"', DELTA_PREFIX.length());
      if (end > 0 && text.charAt(end - 1) != '\\' && text.startsWith(EVENT_ID, end)) {
        int digits = end + EVENT_ID.length();
        int after = digits;
        long eventId = 0;
        while (after < text.length() && after - digits < 18 && Character.isDigit(text.charAt(after))) {
          eventId = eventId * 10 + (text.charAt(after++) - '0');
        }
        if (after > digits && after < text.length() && text.charAt(after) == ',') {
          return new Frame("delta", text.substring(DELTA_PREFIX.length(), end), eventId, null);
        }
      }
    }
    JsonObject json = new JsonObject(text);
    Object type = json.getValue("type");
    Object requestId = json.getValue("requestId");
    Object eventId = json.getValue("eventId");
    return new Frame(type instanceof String t ? t : "", requestId instanceof String id ? id : null,
        eventId instanceof Number n ? n.longValue() : -1, json);
  }

  private void finish(String requestId, String failure, String message) {
    StreamReply reply = inFlight.remove(requestId);
    observed.remove(requestId);
    if (reply == null) {
      return;
    }
    if (failure == null) {
      reply.done();
    } else {
      reply.fail(failure, message);
    }
    sendWaiting();
  }

  private void closed() {
    boolean byUs = closing;
    closed = true;
    Short code = ws.closeStatusCode();
    String reason = code == null ? "reset" : String.valueOf(code);
    List<StreamReply> cut = new ArrayList<>(inFlight.values());
    waiting.forEach(queued -> cut.add(queued.reply()));
    inFlight.clear();
    waiting.clear();
    observed.clear();
    cut.forEach(reply -> reply.fail("closed", "the socket closed (" + reason + ")"));
    if (!byUs) {
      closedByServer.accept(reason);
    }
  }
}
