package io.genesis.agent.model.upstream;

import io.genesis.common.bus.Messages.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reads OpenAI's {@code chat.completion.chunk} and error shapes; a field of the wrong type throws ClassCastException. */
final class Chunks {
  private Chunks() {}

  /** {@code choices[0].delta.content}, or null. */
  static String content(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
    return delta == null ? null : delta.getString("content");
  }

  /** The chunk's {@code usage}, or null (only the last chunk has it, when asked for). */
  static Usage usage(JsonObject chunk) {
    JsonObject usage = chunk.getJsonObject("usage");
    if (usage == null) {
      return null;
    }
    return new Usage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0));
  }

  /** {@code error.message} of an error body, else the start of the body. */
  static String errorMessage(Buffer body) {
    try {
      JsonObject error = body.toJsonObject().getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return error.getString("message");
      }
    } catch (DecodeException | ClassCastException e) {
      // not OpenAI's error shape: show the start of the body
    }
    return abbreviate(body.toString());
  }

  static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }
}
