package io.genesis.perf.fake;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the fake asks for tools (OpenAI function calling), so that a tool round trip is tested without a
 * model. A request that offers {@code tools}, whose last user message holds {@code [[call NAME ARGS]]} (one or
 * more; ARGS is sent as the call's arguments, as written) and whose last message is that user message, is
 * answered with those calls: streamed {@code tool_calls} chunks (each call's id and name first, then its
 * arguments in three fragments, the calls interleaved by {@code index}), finish reason {@code tool_calls}.
 * The follow-up carrying the results (its last message {@code role: "tool"}) is answered with
 * {@code Calculated with NAME: CONTENT.} for each result, in small chunks. With {@code [[again]]} in the user
 * message every follow-up asks for the same calls again, unless {@code tool_choice} is {@code "none"};
 * with {@code [[stubborn]]} even then (a model that ignores it). Nothing here without {@code tools}.
 */
final class ToolScript {
  private static final Pattern CALL = Pattern.compile("\\[\\[call ([A-Za-z0-9_-]+) ?(.*?)]]", Pattern.DOTALL);
  private static final int PIECE = 12;

  private final List<String[]> calls;
  private final boolean followUp;

  private ToolScript(List<String[]> calls, boolean followUp) {
    this.calls = calls;
    this.followUp = followUp;
  }

  /** The script for {@code request}, or null when the fake answers it as usual. */
  static ToolScript of(JsonObject request) {
    if (!(request.getValue("tools") instanceof JsonArray tools) || tools.isEmpty()
        || !(request.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return null;
    }
    String user = lastUserText(messages);
    List<String[]> calls = new ArrayList<>();
    Matcher m = CALL.matcher(user);
    while (m.find()) {
      calls.add(new String[] {m.group(1), m.group(2)});
    }
    if (calls.isEmpty()) {
      return null;
    }
    String lastRole = messages.getJsonObject(messages.size() - 1).getString("role");
    boolean none = "none".equals(request.getValue("tool_choice"));
    boolean ask = "user".equals(lastRole) ? !none
        : "tool".equals(lastRole) && user.contains("[[again]]") && (!none || user.contains("[[stubborn]]"));
    if (ask) {
      return new ToolScript(calls, false);
    }
    return "tool".equals(lastRole) ? new ToolScript(List.of(), true) : null;
  }

  /** Writes the whole answer (tool calls, or the final text quoting the results) and ends the response. */
  void answer(HttpServerResponse response, Completions shapes, JsonObject request, int requestNumber) {
    boolean stream = request.getBoolean("stream", false);
    String text = followUp ? quote(request.getJsonArray("messages")) : null;
    if (!stream) {
      JsonObject message = new JsonObject().put("role", "assistant").put("content", text);
      if (!followUp) {
        message.put("tool_calls", whole(requestNumber));
      }
      JsonObject completion = shapes.message(message, followUp ? "stop" : "tool_calls");
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(completion.toBuffer());
      return;
    }
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    event(response, shapes.roleChunk());
    if (followUp) {
      for (int at = 0; at < text.length(); at += PIECE) {
        event(response, shapes.contentChunk(text.substring(at, Math.min(text.length(), at + PIECE))));
      }
      event(response, shapes.finishChunk("stop"));
    } else {
      streamCalls(response, shapes, requestNumber);
      event(response, shapes.finishChunk("tool_calls"));
    }
    response.end("data: [DONE]\n\n");
  }

  private void streamCalls(HttpServerResponse response, Completions shapes, int requestNumber) {
    for (int i = 0; i < calls.size(); i++) {
      JsonObject head = new JsonObject().put("index", i).put("id", id(requestNumber, i)).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", ""));
      event(response, shapes.toolCallChunk(new JsonArray().add(head)));
    }
    for (int part = 0; part < 3; part++) {
      for (int i = 0; i < calls.size(); i++) {
        String arguments = calls.get(i)[1];
        int from = arguments.length() * part / 3;
        int to = arguments.length() * (part + 1) / 3;
        JsonObject fragment = new JsonObject().put("index", i)
            .put("function", new JsonObject().put("arguments", arguments.substring(from, to)));
        event(response, shapes.toolCallChunk(new JsonArray().add(fragment)));
      }
    }
  }

  private JsonArray whole(int requestNumber) {
    JsonArray whole = new JsonArray();
    for (int i = 0; i < calls.size(); i++) {
      whole.add(new JsonObject().put("id", id(requestNumber, i)).put("type", "function")
          .put("function", new JsonObject().put("name", calls.get(i)[0]).put("arguments", calls.get(i)[1])));
    }
    return whole;
  }

  private static String id(int requestNumber, int index) {
    return "call_" + requestNumber + "_" + index;
  }

  /** "Calculated with NAME: CONTENT." for each tool result after the last assistant message, by its call's name. */
  static String quote(JsonArray messages) {
    JsonObject assistant = null;
    int start = messages.size();
    while (start > 0 && "tool".equals(messages.getJsonObject(start - 1).getString("role"))) {
      start--;
    }
    if (start > 0) {
      assistant = messages.getJsonObject(start - 1);
    }
    StringBuilder text = new StringBuilder();
    for (int i = start; i < messages.size(); i++) {
      JsonObject result = messages.getJsonObject(i);
      text.append(text.length() == 0 ? "" : " ").append("Calculated with ")
          .append(nameOf(assistant, result.getString("tool_call_id"))).append(": ")
          .append(result.getValue("content")).append('.');
    }
    return text.toString();
  }

  private static String nameOf(JsonObject assistant, String callId) {
    JsonArray calls = assistant == null ? null : assistant.getJsonArray("tool_calls");
    if (calls != null) {
      for (Object call : calls) {
        JsonObject c = (JsonObject) call;
        if (c.getString("id", "").equals(callId)) {
          return c.getJsonObject("function", new JsonObject()).getString("name", "?");
        }
      }
    }
    return "?";
  }

  private static String lastUserText(JsonArray messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject message = messages.getJsonObject(i);
      if ("user".equals(message.getString("role")) && message.getValue("content") instanceof String text) {
        return text;
      }
    }
    return "";
  }

  private static void event(HttpServerResponse response, JsonObject chunk) {
    response.write("data: " + chunk.encode() + "\n\n");
  }
}
