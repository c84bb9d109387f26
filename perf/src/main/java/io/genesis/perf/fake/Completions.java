package io.genesis.perf.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The OpenAI chat-completions shapes the fake answers with. */
final class Completions {
  private static final String[] WORDS = {
      "Keep ", "going, ", "you ", "are ", "doing ", "great. ", "Rest ", "well, ", "eat ", "enough ",
      "protein ", "and ", "drink ", "water. ", "Café ", "crème ", "naïve ", "💪 ", "½ ", "→ "};

  private final String id;
  private final String model;
  private final long created = Instant.now().getEpochSecond();

  Completions(int requestNumber, String model) {
    this.id = "chatcmpl-fake-" + requestNumber;
    this.model = model;
  }

  /** Token {@code index} of every answer (words, some with multi-byte UTF-8 characters). */
  static String token(int index) {
    return WORDS[index % WORDS.length];
  }

  /** The whole text of an answer of {@code tokens} tokens. */
  static String text(int tokens) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      text.append(token(i));
    }
    return text.toString();
  }

  JsonObject roleChunk() {
    return chunk(new JsonObject().put("role", "assistant").put("content", ""), null);
  }

  JsonObject contentChunk(String content) {
    return chunk(new JsonObject().put("content", content), null);
  }

  JsonObject stopChunk() {
    return chunk(new JsonObject(), "stop");
  }

  JsonObject finishChunk(String finishReason) {
    return chunk(new JsonObject(), finishReason);
  }

  /** A chunk carrying fragments of tool calls ({@code choices[0].delta.tool_calls}). */
  JsonObject toolCallChunk(JsonArray toolCalls) {
    return chunk(new JsonObject().put("tool_calls", toolCalls), null);
  }

  /** A whole {@code chat.completion} with {@code message} as its one choice. */
  JsonObject message(JsonObject message, String finishReason) {
    JsonObject choice = new JsonObject().put("index", 0).put("message", message).put("finish_reason", finishReason);
    return base("chat.completion").put("choices", new JsonArray().add(choice));
  }

  JsonObject usageChunk(int promptTokens, int completionTokens) {
    return base("chat.completion.chunk").put("choices", new JsonArray()).put("usage", usage(promptTokens, completionTokens));
  }

  JsonObject completion(String text, int promptTokens, int completionTokens) {
    JsonObject choice = new JsonObject().put("index", 0)
        .put("message", new JsonObject().put("role", "assistant").put("content", text))
        .put("finish_reason", "stop");
    return base("chat.completion").put("choices", new JsonArray().add(choice))
        .put("usage", usage(promptTokens, completionTokens));
  }

  static JsonObject error(String message, String type) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type).putNull("code"));
  }

  static JsonObject models() {
    JsonObject model = new JsonObject().put("id", FakeUpstream.MODEL).put("object", "model").put("created", 0)
        .put("owned_by", "genesis-perf");
    return new JsonObject().put("object", "list").put("data", new JsonArray().add(model));
  }

  /** Rough prompt size, as the tokenizer-free fake counts it: four characters a token. */
  static int promptTokens(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    int chars = 0;
    for (int i = 0; i < messages.size(); i++) {
      Object message = messages.getValue(i);
      if (message instanceof JsonObject m && m.getValue("content") instanceof String content) {
        chars += content.length();
      }
    }
    return (chars + 3) / 4;
  }

  private JsonObject chunk(JsonObject delta, String finishReason) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason);
    return base("chat.completion.chunk").put("choices", new JsonArray().add(choice));
  }

  private JsonObject base(String object) {
    return new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model);
  }

  private static JsonObject usage(int promptTokens, int completionTokens) {
    return new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }
}
