package io.genesis.gateway.openai;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a chat-completions request may ask for that GENESIS does not do, refused rather than silently
 * dropped: the client's own tools or functions (the agents call only their own calculators), more than one
 * choice, and audio. OpenAI's words for it: {@code 400}, {@code invalid_request_error}, the field as
 * {@code param}, code {@code unsupported_parameter}. Values that ask for nothing (an empty list, {@code null},
 * {@code "none"}, {@code n: 1}, text-only {@code modalities}) pass.
 */
final class Unsupported {
  static final String CODE = "unsupported_parameter";

  private Unsupported() {}

  /** Throws the refusal for the first unsupported field of {@code body}, in a fixed order. */
  static void check(JsonObject body) {
    if (asks(body.getValue("tools"))) {
      throw refuse("tools", "Client tools are not supported: the agents call only their own calculators.");
    }
    if (choosesTool(body.getValue("tool_choice"))) {
      throw refuse("tool_choice", "tool_choice is not supported: the agents take no client tools.");
    }
    if (asks(body.getValue("functions"))) {
      throw refuse("functions", "Client functions are not supported: the agents call only their own calculators.");
    }
    if (choosesTool(body.getValue("function_call"))) {
      throw refuse("function_call", "function_call is not supported: the agents take no client functions.");
    }
    if (body.getValue("n") instanceof Number n && n.doubleValue() > 1) {
      throw refuse("n", "Only one choice is supported: n must be 1.");
    }
    if (body.getValue("modalities") instanceof JsonArray modalities && modalities.contains("audio")) {
      throw refuse("modalities", "Audio output is not supported: the agents answer in text only.");
    }
    if (body.getValue("audio") != null) {
      throw refuse("audio", "Audio output is not supported: the agents answer in text only.");
    }
  }

  /** Anything but absent, null or an empty list asks for something. */
  private static boolean asks(Object value) {
    return value != null && !(value instanceof JsonArray list && list.isEmpty());
  }

  /** Anything but absent, null or {@code "none"} chooses a tool (or lets the model choose one). */
  private static boolean choosesTool(Object value) {
    return value != null && !"none".equals(value);
  }

  private static OpenAiException refuse(String param, String message) {
    return new OpenAiException(400, message, OpenAiError.INVALID_REQUEST, param, CODE);
  }
}
