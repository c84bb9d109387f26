package io.genesis.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.common.log.ThrottledLog;
import io.genesis.gateway.http.InvalidRequest;
import io.genesis.gateway.http.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text frames a WebSocket sends: flat JSON objects {@code {type, requestId, …}} carrying the fields
 * of the Server-Sent Event of the same name. The one clash, a problem's own {@code type}, is sent as
 * {@code problemType}.
 */
final class ServerFrames {
  private static final Logger LOG = LoggerFactory.getLogger(ServerFrames.class);
  /** Failures come in floods under overload (every socket, every frame): a line a second with a count. */
  private static final ThrottledLog FAILED = ThrottledLog.warn(LOG);

  private ServerFrames() {}

  /** {@code payload}'s fields (a record or a map) after {@code type} and {@code requestId} (left out when null). */
  static String of(String type, String requestId, Object payload) {
    ObjectNode frame = head(type, requestId);
    if (payload != null) {
      frame.setAll((ObjectNode) Json.MAPPER.valueToTree(payload));
    }
    return Json.toString(frame);
  }

  /** The start of every {@code delta} frame of one request: its event id, text and {@code "}"} complete it. */
  static String deltaPrefix(String requestId) {
    return "{\"type\":\"delta\",\"requestId\":" + Json.toString(requestId) + ",\"eventId\":";
  }

  /** {@code quoted}: the text as a JSON string. */
  static String delta(String prefix, long eventId, String quoted) {
    return prefix + eventId + ",\"text\":" + quoted + "}";
  }

  /**
   * The frame of a reply's event: the SSE event's data fields after {@code type}, {@code requestId} and
   * {@code eventId} (left out when 0: an event outside the numbered ones); a problem's own {@code type} is
   * {@code problemType}, and its {@code instance} (an HTTP path) is left out.
   */
  static String ofEvent(String name, String requestId, long eventId, String data) {
    if (!"error".equals(name) && data.length() > 2 && data.charAt(0) == '{') {
      // A flat object's fields after the head, spliced as text: no parse and no second serialization per frame.
      StringBuilder frame = new StringBuilder(data.length() + 96).append("{\"type\":").append(Json.toString(name));
      if (requestId != null) {
        frame.append(",\"requestId\":").append(Json.toString(requestId));
      }
      if (eventId > 0) {
        frame.append(",\"eventId\":").append(eventId);
      }
      return frame.append(',').append(data, 1, data.length()).toString();
    }
    ObjectNode frame = head(name, requestId);
    if (eventId > 0) {
      frame.put("eventId", eventId);
    }
    ObjectNode fields = (ObjectNode) Json.fromString(data, com.fasterxml.jackson.databind.JsonNode.class);
    if ("error".equals(name)) {
      frame.set("problemType", fields.remove("type"));
      fields.remove("instance");
    }
    frame.setAll(fields);
    return Json.toString(frame);
  }

  /**
   * An {@code error} frame: the problem's fields, and {@code retryAfterSeconds} when a retry may succeed
   * after a while (what {@code Retry-After} says over HTTP).
   */
  static String error(String requestId, Problem problem, int retryAfterSeconds) {
    ObjectNode frame = head("error", requestId)
        .put("problemType", problem.type())
        .put("title", problem.title())
        .put("status", problem.status())
        .put("detail", problem.detail());
    if (problem.errors() != null) {
      frame.set("errors", Json.MAPPER.valueToTree(problem.errors()));
    }
    if (retryAfterSeconds > 0) {
      frame.put("retryAfterSeconds", retryAfterSeconds);
    } else if (Problems.retryable(problem.status())) {
      frame.put("retryAfterSeconds", 1);
    }
    return Json.toString(frame);
  }

  /** The {@code error} frame for whatever failed a request, as {@code Problems} maps it over HTTP. */
  static String error(String requestId, Throwable failure) {
    if (failure instanceof InvalidRequest invalid) {
      return error(requestId, Problem.validation(invalid.errors()), 0);
    }
    if (failure instanceof ServiceException service) {
      if (service.status() >= 500) {
        FAILED.log("websocket request {} failed: {}", requestId, service.getMessage());
      }
      return error(requestId, Problem.of(service.status(), service.getMessage()), service.retryAfterSeconds());
    }
    LOG.error("websocket request {} failed", requestId, failure);
    return error(requestId, Problem.of(500, "unexpected error; the request id identifies it in the logs"), 0);
  }

  private static ObjectNode head(String type, String requestId) {
    ObjectNode frame = Json.MAPPER.createObjectNode().put("type", type);
    if (requestId != null) {
      frame.put("requestId", requestId);
    }
    return frame;
  }
}
