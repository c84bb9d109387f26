package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.error.Problem;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.InvalidRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * A text frame a WebSocket client sends: {@code {"type":"message",requestId,sessionId,content,agentId?}},
 * {@code {"type":"resume",requestId,messageId,lastEventId?,sessionId?}} or {@code {"type":"ping",requestId?}}. A field the frame's type does not know is refused, as the
 * REST routes refuse it ({@code "is not allowed"}). The fields have the limits of
 * {@code POST /api/v1/sessions/{id}/messages}.
 */
sealed interface ClientFrame {
  int MAX_REQUEST_ID = ApiLimits.REQUEST_ID_CHARS;
  /** No reply has this many events; a larger id is a mistake (and would overflow the journal's entry ids). */
  long MAX_EVENT_ID = 1_000_000_000_000_000L;
  /** The message the REST routes give a field their schema does not have. */
  String NOT_ALLOWED = "is not allowed";
  Set<String> PING_FIELDS = Set.of("type", "requestId");
  Set<String> MESSAGE_FIELDS = Set.of("type", "requestId", "sessionId", "content", "agentId");
  Set<String> RESUME_FIELDS = Set.of("type", "requestId", "messageId", "lastEventId", "sessionId");

  /** Asks for a {@code pong}; a request id, when given, is echoed. */
  record Ping(String requestId) implements ClientFrame {}

  record Send(String requestId, String sessionId, String content, String agentId) implements ClientFrame {}

  /** Replays the reply {@code messageId} after event {@code lastEventId} (0: from its first), then its live rest. */
  record Resume(String requestId, String messageId, long lastEventId, String sessionId) implements ClientFrame {}

  /** A frame refused as a whole: the problem, and the request id when one could be read (else null). */
  final class BadFrame extends RuntimeException {
    private final String requestId;
    private final Problem problem;

    BadFrame(String requestId, Problem problem) {
      super(problem.detail(), null, false, false);
      this.requestId = requestId;
      this.problem = problem;
    }

    static BadFrame field(String requestId, String field, String message) {
      return new BadFrame(requestId, Problem.validation(List.of(new Problem.FieldError(field, message))));
    }

    String requestId() {
      return requestId;
    }

    Problem problem() {
      return problem;
    }
  }

  /** Reads one text frame; a frame that is not one of the two is a {@link BadFrame}. */
  static ClientFrame parse(String text) {
    JsonObject frame = object(text);
    String requestId = readableRequestId(frame.getValue("requestId"));
    Object type = frame.getValue("type");
    if ("ping".equals(type)) {
      Fields fields = new Fields();
      rejectUnknown(fields, frame, PING_FIELDS);
      check(fields, requestId);
      return new Ping(requestId);
    }
    if ("resume".equals(type)) {
      return resume(frame, requestId);
    }
    if (!"message".equals(type)) {
      throw BadFrame.field(requestId, "type", "must be \"message\", \"resume\" or \"ping\"");
    }
    Fields fields = new Fields();
    rejectUnknown(fields, frame, MESSAGE_FIELDS);
    fields.requiredText(frame, "requestId", MAX_REQUEST_ID);
    String sessionId = sessionId(fields, frame.getValue("sessionId"));
    String content = fields.requiredText(frame, "content", MessageRoutes.MAX_CONTENT);
    String agentId = fields.optionalString(frame, "agentId", MessageRoutes.MAX_AGENT_ID);
    check(fields, requestId);
    return new Send(requestId, sessionId, content, agentId);
  }

  private static Resume resume(JsonObject frame, String requestId) {
    Fields fields = new Fields();
    rejectUnknown(fields, frame, RESUME_FIELDS);
    fields.requiredText(frame, "requestId", MAX_REQUEST_ID);
    Object messageId = frame.getValue("messageId");
    String reply = messageId == null || messageId instanceof String ? fields.uuid((String) messageId, "messageId", true)
        : fields.reject("messageId", "must be a UUID");
    Object sessionValue = frame.getValue("sessionId");
    String sessionId = sessionValue == null || sessionValue instanceof String ? fields.uuid((String) sessionValue, "sessionId", false)
        : fields.reject("sessionId", "must be a UUID");
    long lastEventId = 0;
    Object last = frame.getValue("lastEventId");
    if (last instanceof Number number && number.longValue() >= 0 && number.longValue() <= MAX_EVENT_ID
        && number.doubleValue() == number.longValue()) {
      lastEventId = number.longValue();
    } else if (last instanceof String text && text.matches("\\d{1,16}") && Long.parseLong(text) <= MAX_EVENT_ID) {
      lastEventId = Long.parseLong(text);
    } else if (last != null) {
      fields.reject("lastEventId", "must be an event id: a whole number from 0");
    }
    check(fields, requestId);
    return new Resume(requestId, reply, lastEventId, sessionId);
  }

  private static void rejectUnknown(Fields fields, JsonObject frame, Set<String> known) {
    frame.fieldNames().stream().filter(name -> !known.contains(name)).sorted()
        .forEach(name -> fields.reject(name, NOT_ALLOWED));
  }

  private static void check(Fields fields, String requestId) {
    try {
      fields.check();
    } catch (InvalidRequest invalid) {
      throw new BadFrame(requestId, Problem.validation(invalid.errors()));
    }
  }

  private static JsonObject object(String text) {
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw BadFrame.field(null, "frame", "is not valid JSON");
    }
    if (parsed instanceof JsonObject object) {
      return object;
    }
    throw BadFrame.field(null, "frame", "must be a JSON object");
  }

  /** A request id fit to be echoed in an answer, or null. */
  private static String readableRequestId(Object value) {
    boolean fit = value instanceof String id && !id.isBlank() && id.codePointCount(0, id.length()) <= MAX_REQUEST_ID
        && Fields.unicodeProblem(id) == null;
    return fit ? (String) value : null;
  }

  private static String sessionId(Fields fields, Object value) {
    if (value == null || value instanceof String) {
      return fields.uuid((String) value, "sessionId", true);
    }
    return fields.reject("sessionId", "must be a UUID");
  }
}
