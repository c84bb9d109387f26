package io.genesis.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.bus.ReplyStream;
import io.genesis.gateway.http.Problems;
import io.genesis.gateway.journal.Journal;
import io.genesis.gateway.journal.JournalEntry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one reply, numbered from 1 and written both to the client (while it is there) and to
 * the reply's {@link Journal}, so a client that drops can resume from the last id it saw. The client
 * can leave: the reply then keeps generating, with nobody to slow it down, for the detached bound, and
 * is then cut (stored partial). Used from one event loop.
 */
final class ReplyEvents implements ReplyStream.Target {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyEvents.class);
  static final String META = "meta";
  static final String HANDOFF = "handoff";
  static final String DELTA = "delta";
  static final String PROFILE_SUGGESTION = "profile_suggestion";
  static final String TOOL = "tool";
  /** While a resumed client reads a reply past its detached bound, whether it still does is asked this often. */
  static final long WATCHED_RECHECK_MILLIS = 2_000;

  /** Where a connected client's events go: an SSE response, a WebSocket. */
  interface Client {
    void event(long id, String name, String data);

    /** {@code quoted} is the delta's text as a JSON string. */
    void delta(long id, String quoted);

    boolean full();

    void onDrain(Handler<Void> handler);
  }

  private final Vertx vertx;
  private final Journal journal;
  private final long detachedMillis;
  private ReplyStream stream;
  private Client client;
  private Handler<Void> drainWaiter;
  private boolean ended;
  private boolean detached;

  ReplyEvents(Vertx vertx, Journal journal, long detachedMillis) {
    this.vertx = vertx;
    this.journal = journal;
    this.detachedMillis = detachedMillis;
  }

  /** The stream these events belong to, cut when the client has been gone too long. */
  ReplyEvents of(ReplyStream replyStream) {
    this.stream = replyStream;
    replyStream.onAlive(journal::touch);
    return this;
  }

  ReplyEvents attach(Client connected) {
    this.client = connected;
    return this;
  }

  boolean journaled() {
    return journal.keeping();
  }

  /**
   * The client went away: the reply keeps generating for the detached bound (a client may resume, a
   * retry with its key may join), then is cut, and stored with what it has, partial.
   */
  void detach() {
    if (detached) {
      return;
    }
    detached = true;
    client = null;
    if (drainWaiter != null) {
      Handler<Void> waiting = drainWaiter;
      drainWaiter = null;
      waiting.handle(null); // the stream waited for a client that will never drain: it goes on without it
    }
    if (stream != null && !ended) {
      if (detachedMillis <= 0) {
        stream.cancel();
      } else {
        vertx.setTimer(detachedMillis, timer -> boundReached());
      }
    }
  }

  /** Past the detached bound: stopped, unless a resumed client is reading it now (through any gateway). */
  private void boundReached() {
    if (ended || stream.ending().isComplete()) {
      return;
    }
    journal.watched().onSuccess(watched -> {
      if (watched) {
        vertx.setTimer(WATCHED_RECHECK_MILLIS, timer -> boundReached());
      } else {
        stream.cancel();
      }
    });
  }

  void meta(Map<String, Object> meta) {
    event(META, Json.toString(meta));
  }

  void handoff(Handoff handoff) {
    event(HANDOFF, Json.toString(handoff));
  }

  /** {@code {"patch":{…}}}: figures the person stated that differ from their profile, to accept with one PATCH. */
  @Override
  public void suggestion(Profile patch) {
    event(PROFILE_SUGGESTION, "{\"patch\":" + Json.toString(patch) + "}");
  }

  @Override
  public void delta(String text) {
    String quoted = Json.toString(text);
    long id = journal.append(DELTA, "{\"text\":" + quoted + "}");
    if (client != null) {
      client.delta(id, quoted);
    }
  }

  /** The {@code tool} event: a calculator the model called, with its arguments and result (or error). */
  @Override
  public void tool(ToolUse use) {
    event(TOOL, toolData(use));
  }

  /** {@code {callId, name, arguments, result}}, or {@code error} in place of {@code result} for a refused call. */
  static String toolData(ToolUse use) {
    ObjectNode data = Json.MAPPER.createObjectNode().put("callId", use.callId()).put("name", use.name());
    data.set("arguments", json(use.arguments()));
    if (use.result() != null) {
      data.set("result", json(use.result()));
    } else {
      data.put("error", use.error());
    }
    return Json.toString(data);
  }

  private static JsonNode json(String text) {
    return text == null ? NullNode.getInstance() : Json.fromString(text, JsonNode.class);
  }

  void done(MessageView reply) {
    ended = true;
    event(JournalEntry.DONE, Json.toString(reply));
  }

  /** The {@code error} event: a problem, with {@code retryAfterSeconds} when a retry may succeed later. */
  void error(Throwable failure, String requestId, String path) {
    ended = true;
    event(JournalEntry.ERROR, problemData(failure, requestId, path));
  }

  /** A reply's whole text as one delta (a collected reply, journaled for a client that joins it). */
  void wholeText(String text) {
    if (!text.isEmpty()) {
      delta(text);
    }
  }

  private void event(String name, String data) {
    long id = journal.append(name, data);
    if (client != null) {
      client.event(id, name, data);
    }
  }

  @Override
  public boolean full() {
    return client != null && client.full();
  }

  @Override
  public void onDrain(Handler<Void> handler) {
    if (client == null) {
      handler.handle(null);
      return;
    }
    drainWaiter = handler;
    client.onDrain(drained -> {
      if (drainWaiter == handler) {
        drainWaiter = null;
        handler.handle(null);
      }
    });
  }

  /** A problem as the {@code error} event's data; {@code retryAfterSeconds} when a retry may succeed later. */
  static String problemData(Throwable failure, String requestId, String path) {
    Problem problem;
    int retryAfter = 0;
    if (failure instanceof ServiceException se) {
      String detail = se.status() >= 500 ? Problems.withRequestId(se.getMessage(), requestId) : se.getMessage();
      problem = Problem.of(se.status(), detail);
      retryAfter = se.retryAfterSeconds();
    } else {
      LOG.error("streamed reply to {} failed", path, failure);
      problem = Problem.of(500, "unexpected error; the request id identifies it in the logs");
    }
    ObjectNode data = Json.MAPPER.valueToTree(path == null ? problem : problem.withInstance(path));
    if (retryAfter > 0 || Problems.retryable(problem.status())) {
      data.put("retryAfterSeconds", Math.max(1, retryAfter));
    }
    return Json.toString(data);
  }
}
