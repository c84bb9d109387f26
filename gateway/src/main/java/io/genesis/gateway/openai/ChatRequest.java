package io.genesis.gateway.openai;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.gateway.http.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat-completions request, past its OpenAPI schema: the agent it names, the last message (the
 * user's, which the agent answers) and the conversation before it. Options GENESIS does not use
 * (temperature, max_tokens, seed…) were accepted by the schema and are not read; what it cannot do (client
 * tools, {@code n > 1}, audio) is refused first ({@link Unsupported}).
 *
 * @param content the text of the last message
 * @param history the earlier messages, oldest first, as the turns a model sees
 */
record ChatRequest(String model, String content, List<ChatTurn> history, boolean stream, boolean includeUsage) {
  static final int MAX_CONTENT = ApiLimits.MESSAGE_CHARS;

  /** Reads a body the schema accepted; a 400 naming the field when the last message cannot be answered. */
  static ChatRequest from(JsonObject body) {
    Unsupported.check(body);
    JsonArray messages = body.getJsonArray("messages");
    int last = messages.size() - 1;
    JsonObject question = messages.getJsonObject(last);
    String at = "messages[" + last + "]";
    Fields fields = new Fields();
    if (!Messages.TURN_USER.equals(question.getString("role"))) {
      fields.reject(at + ".role", "must be user: the last message is the one answered");
    }
    String content = text(question.getValue("content"));
    if (content.isBlank()) {
      fields.reject(at + ".content", "must not be blank");
    } else if (content.codePointCount(0, content.length()) > MAX_CONTENT) {
      fields.reject(at + ".content", "must be at most " + MAX_CONTENT + " characters");
    }
    fields.check();
    JsonObject options = body.getValue("stream_options") instanceof JsonObject o ? o : new JsonObject();
    return new ChatRequest(body.getString("model").trim(), content, history(messages, last),
        Boolean.TRUE.equals(body.getValue("stream")), Boolean.TRUE.equals(options.getValue("include_usage")));
  }

  private static List<ChatTurn> history(JsonArray messages, int end) {
    List<ChatTurn> turns = new ArrayList<>(end);
    for (int i = 0; i < end; i++) {
      JsonObject message = messages.getJsonObject(i);
      String text = text(message.getValue("content"));
      if (!text.isBlank()) {
        turns.add(new ChatTurn(turnRole(message.getString("role")), text));
      }
    }
    return turns;
  }

  private static String turnRole(String role) {
    return switch (role) {
      case "system", "developer" -> Messages.TURN_SYSTEM;
      case "assistant" -> Messages.TURN_ASSISTANT;
      // user, and tool results: what a tool reported reaches the coach as something the user says
      default -> Messages.TURN_USER;
    };
  }

  /** A string, or the text parts of an array joined by new lines; empty for null (an assistant's tool call). */
  private static String text(Object content) {
    if (content instanceof String text) {
      return text;
    }
    if (content instanceof JsonArray parts) {
      List<String> texts = new ArrayList<>(parts.size());
      parts.forEach(part -> texts.add(((JsonObject) part).getString("text")));
      return String.join("\n", texts);
    }
    return "";
  }
}
