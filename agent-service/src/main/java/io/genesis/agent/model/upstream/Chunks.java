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

  /** {@code error.message} of an error body, else the body (the caller cuts it for the log). */
  static String errorMessage(Buffer body) {
    try {
      JsonObject error = body.toJsonObject().getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return error.getString("message");
      }
    } catch (DecodeException | ClassCastException e) {
      // not OpenAI's error shape: the body itself
    }
    return body.toString();
  }

  /** {@code choices[0].finish_reason}, or null (only the last choice chunk has one). */
  static String finishReason(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    return choices == null || choices.isEmpty() ? null : choices.getJsonObject(0).getString("finish_reason");
  }
}
