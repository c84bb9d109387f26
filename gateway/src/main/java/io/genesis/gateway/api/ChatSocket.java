package io.genesis.gateway.api;

import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.api.ClientFrame.BadFrame;
import io.genesis.gateway.api.ClientFrame.Ping;
import io.genesis.gateway.api.ClientFrame.Resume;
import io.genesis.gateway.api.ClientFrame.Send;
import io.genesis.gateway.api.Exchanges.Ask;
import io.genesis.gateway.api.Exchanges.Settled;
import io.genesis.gateway.api.Exchanges.Turn;
import io.genesis.gateway.idempotency.IdempotencyKeys.Duplicate;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.ratelimit.Decision;
import io.genesis.gateway.ratelimit.RateLimitHandler;
import io.genesis.gateway.ratelimit.RateLimiter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One chat WebSocket: any number of {@code message} frames, each answered by {@code meta},
 * {@code handoff}, {@code delta} frames and a {@code done} or {@code error} frame carrying its
 * {@code requestId} and, for a reply's frames, its {@code eventId} (the SSE {@code id:}), up to
 * {@link #MAX_IN_FLIGHT} at once. A message's {@code requestId} is its idempotency key: a message sent
 * again with it (on any socket, through any gateway) gets the first one's reply, not a second. A
 * {@code resume} frame replays a reply after the last event seen. A bad frame gets an {@code error}
 * frame, never a closed socket. All on the event loop of the gateway verticle that accepted it.
 *
 * <p>Flow control: every frame goes through {@link #send}; while the client's write queue is full the
 * streams wait for credit ({@link ReplyStream.Target}) and the socket stops reading frames, so a slow
 * reader pauses the model and buffers nothing without bound. When the socket closes, every reply in
 * flight keeps generating for the detached bound (the client may resume it), then is stopped and stored
 * as far as it got, marked partial.
 */
final class ChatSocket {
  static final int MAX_IN_FLIGHT = 8;
  /** A WebSocket ping this often while replies are in flight keeps the server's idle timeout away. */
  static final long KEEP_ALIVE_MILLIS = 30_000;
  static final short GOING_AWAY = 1001;
  static final short MESSAGE_TOO_BIG = 1009;
  /** Ends a request whose socket closed before its exchange began: nobody to answer, nothing to store. */
  private static final ServiceException SOCKET_CLOSED = new ServiceException(499, "the client closed the socket");

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final Caller caller;
  private final Exchanges exchanges;
  private final Replays replays;
  private final RateLimiter limiter;
  private final int maxMessageBytes;
  /** The requests in flight by request id; the events are null until the reply is admitted (and for a replay). */
  private final Map<String, ReplyEvents> inFlight = new HashMap<>();
  /** The streams waiting for the write queue to drain (a socket has a single drain handler). */
  private final List<Handler<Void>> waitingForDrain = new ArrayList<>();
  private long keepAlive = -1;
  private boolean readingPaused;
  private boolean closed;
  private boolean shuttingDown;
  private Runnable onClosed = () -> { };

  ChatSocket(Vertx vertx, ServerWebSocket ws, Caller caller, Exchanges exchanges, Replays replays, RateLimiter limiter,
             int maxMessageBytes) {
    this.vertx = vertx;
    this.ws = ws;
    this.caller = caller;
    this.exchanges = exchanges;
    this.replays = replays;
    this.limiter = limiter;
    this.maxMessageBytes = maxMessageBytes;
  }

  void open() {
    ws.textMessageHandler(this::text);
    ws.binaryMessageHandler(binary -> send(ServerFrames.error(null,
        Problem.of(415, "frames must be text: JSON objects (see WsClientFrame in /openapi.json)"), 0)));
    ws.drainHandler(drained -> drained());
    // Any frame, control frames included (Vert.x answers PINGs itself): stop reading while the queue is full.
    // Deferred: Vert.x re-adds one frame of demand after delivering a PING, undoing a pause made in its dispatch.
    ws.frameHandler(frame -> {
      if (!readingPaused && isOpen() && ws.writeQueueFull()) {
        readingPaused = true;
        vertx.runOnContext(later -> {
          if (readingPaused) {
            ws.pause();
          }
        });
      }
    });
    ws.exceptionHandler(this::failed);
    ws.shutdownHandler(shutdown -> shutDown());
    ws.closeHandler(gone -> closed());
  }

  private void text(String text) {
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text);
    } catch (BadFrame bad) {
      send(ServerFrames.error(bad.requestId(), bad.problem(), 0));
      return;
    }
    if (frame instanceof Ping ping) {
      send(ServerFrames.of("pong", ping.requestId(), null));
    } else if (frame instanceof Send message) {
      accept(message);
    } else if (frame instanceof Resume resume) {
      resume(resume);
    }
  }

  /** Admits a message (socket limits, then the caller's rate limit) and runs its exchange. */
  private void accept(Send message) {
    String requestId = message.requestId();
    if (!admissible(requestId)) {
      return;
    }
    SessionRef ref = new SessionRef(caller.userId(), message.sessionId());
    limiter.acquire(RateLimitHandler.userKey(caller.userId()))
        .compose(this::admitted)
        .compose(ignored -> exchanges.begin(new Ask(ref, message.content(), message.agentId(), requestId, false, null)))
        .compose(turn -> stream(requestId, turn))
        .recover(failure -> failure instanceof Duplicate duplicate
            ? replays.duplicate(caller.userId(), duplicate.record()).compose(source -> replay(requestId, source, true))
            : Future.failedFuture(failure))
        .onFailure(failure -> send(ServerFrames.error(requestId, failure)))
        .onComplete(done -> finished(requestId));
  }

  /** Replays a reply after the last event the client saw, then its live rest. */
  private void resume(Resume resume) {
    String requestId = resume.requestId();
    if (!admissible(requestId)) {
      return;
    }
    limiter.acquire(RateLimitHandler.userKey(caller.userId()))
        .compose(this::admitted)
        .compose(ignored -> replays.resume(caller.userId(), resume.sessionId(), resume.messageId(), resume.lastEventId()))
        .compose(source -> replay(requestId, source, false))
        .onFailure(failure -> send(ServerFrames.error(requestId, failure)))
        .onComplete(done -> finished(requestId));
  }

  /** Counts a request in flight, unless the socket's limits refuse it (with an {@code error} frame). */
  private boolean admissible(String requestId) {
    ServiceException refused = shuttingDown ? new ServiceException(503, "the server is shutting down; reconnect", 1)
        : inFlight.containsKey(requestId) ? new ServiceException(409, "request " + requestId + " is already in flight on this socket")
        : inFlight.size() >= MAX_IN_FLIGHT ? new ServiceException(429, "at most " + MAX_IN_FLIGHT + " requests in flight per socket", 1)
        : null;
    if (refused != null) {
      send(ServerFrames.error(requestId, refused));
      return false;
    }
    inFlight.put(requestId, null);
    keepAliveWhileBusy();
    return true;
  }

  private Future<Void> replay(String requestId, Replays.Source source, boolean whole) {
    if (!isOpen()) {
      return Future.failedFuture(SOCKET_CLOSED);
    }
    return replays.stream(caller.userId(), source, new Client(requestId), () -> !isOpen(), whole, requestId, WebSocketRoute.PATH);
  }

  private Future<Void> admitted(Decision decision) {
    if (!isOpen()) {
      return Future.failedFuture(SOCKET_CLOSED);
    }
    if (decision.allowed()) {
      return Future.succeededFuture();
    }
    if (decision.undecided()) {
      return Future.failedFuture(new ServiceException(503, RateLimitHandler.UNDECIDED_DETAIL, (int) decision.resetSeconds()));
    }
    return Future.failedFuture(new ServiceException(429, "rate limit of " + decision.limit() + " requests per "
        + limiter.windowSeconds() + " s reached; retry in " + decision.resetSeconds() + " s", (int) decision.resetSeconds()));
  }

  /** Streams an admitted reply (its user message stored) to the socket, then stores it. */
  private Future<Void> stream(String requestId, Turn turn) {
    ReplyStream stream = turn.stream();
    ReplyEvents events = turn.events();
    inFlight.put(requestId, events);
    if (isOpen()) {
      events.attach(new Client(requestId));
    }
    events.meta(Exchanges.meta(turn));
    stream.handoffs().forEach(events::handoff);
    if (!isOpen()) {
      events.detach(); // the reply runs on for a client that resumes
    }
    return stream.start(events).compose(end -> exchanges.settle(turn, end)).map(settled -> {
      done(requestId, events, settled);
      return null;
    });
  }

  private void done(String requestId, ReplyEvents events, Settled settled) {
    if (settled.ending().error() != null) {
      events.error(settled.ending().error(), requestId, WebSocketRoute.PATH);
    } else if (settled.reply() != null) {
      events.done(settled.reply());
    } else {
      events.error(Exchanges.NOTHING_GENERATED, requestId, WebSocketRoute.PATH);
    }
  }

  private void finished(String requestId) {
    inFlight.remove(requestId);
    if (inFlight.isEmpty()) {
      vertx.cancelTimer(keepAlive);
      keepAlive = -1;
      if (shuttingDown && isOpen()) {
        ws.close(GOING_AWAY, "server shutting down");
      }
    }
  }

  private void keepAliveWhileBusy() {
    if (keepAlive < 0) {
      keepAlive = vertx.setPeriodic(KEEP_ALIVE_MILLIS, timer -> {
        if (isOpen() && !ws.writeQueueFull()) {
          ws.writePing(Buffer.buffer());
        }
      });
    }
  }

  /** Writes a frame; a full write queue stops reading frames until the client catches up. */
  private void send(String frame) {
    if (!isOpen()) {
      return;
    }
    ws.writeTextMessage(frame);
    if (!readingPaused && ws.writeQueueFull()) {
      readingPaused = true;
      ws.pause();
    }
  }

  private void drained() {
    if (readingPaused) {
      readingPaused = false;
      ws.resume();
    }
    List<Handler<Void>> resumed = new ArrayList<>(waitingForDrain);
    waitingForDrain.clear();
    resumed.forEach(handler -> handler.handle(null));
  }

  /**
   * A message over the size limit: fragments that add up to too much (Vert.x: IllegalStateException),
   * or a single frame over it, or another protocol violation, which Netty's decoder reports with the
   * Close status it deserves and Vert.x answers by dropping the connection: the Close goes out first.
   */
  private void failed(Throwable failure) {
    if (!isOpen()) {
      return;
    }
    if (failure instanceof IllegalStateException || failure instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus().code() == MESSAGE_TOO_BIG) {
      ws.close(MESSAGE_TOO_BIG, "a message may have at most " + maxMessageBytes + " bytes");
      closed(); // our Close is sent: no frame may follow it, and the replies stop now
    } else if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      ws.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
      closed();
    }
  }

  /** Called once when the socket has closed. */
  void onClosed(Runnable action) {
    onClosed = action;
  }

  /**
   * The server is stopping: no new requests; the socket closes (1001) once those in flight are done,
   * or cut short when the shutdown's grace is over (each then gets an {@code error} frame first).
   */
  void shutDown() {
    shuttingDown = true;
    if (inFlight.isEmpty() && isOpen()) {
      ws.close(GOING_AWAY, "server shutting down");
    }
  }

  /** Neither closed by the client nor closing: {@code writeQueueFull()} throws once a close has begun. */
  private boolean isOpen() {
    return !closed && !ws.isClosed();
  }

  private void closed() {
    if (!closed) {
      onClosed.run();
    }
    closed = true;
    vertx.cancelTimer(keepAlive);
    // Each reply runs on for the detached bound: the client may resume it, on this gateway or another.
    new ArrayList<>(inFlight.values()).stream().filter(events -> events != null).forEach(ReplyEvents::detach);
    // A closed socket never drains: whoever still waits (a replay) is called now, finds it closed, and stops.
    List<Handler<Void>> waiting = new ArrayList<>(waitingForDrain);
    waitingForDrain.clear();
    waiting.forEach(handler -> handler.handle(null));
  }

  /** Where one request's events go, as frames carrying its request id, with the socket's write queue as the flow control. */
  private final class Client implements ReplyEvents.Client {
    private final String requestId;
    private final String deltaPrefix;

    Client(String requestId) {
      this.requestId = requestId;
      this.deltaPrefix = ServerFrames.deltaPrefix(requestId);
    }

    @Override
    public void event(long id, String name, String data) {
      send(ServerFrames.ofEvent(name, requestId, id, data));
    }

    @Override
    public void delta(long id, String quoted) {
      send(ServerFrames.delta(deltaPrefix, id, quoted));
    }

    @Override
    public boolean full() {
      return isOpen() && ws.writeQueueFull();
    }

    @Override
    public void onDrain(Handler<Void> handler) {
      waitingForDrain.add(handler);
    }
  }
}
