package io.genesis.agent.model.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.genesis.common.bus.Messages.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;

/**
 * Reads OpenAI's {@code chat.completion.chunk} and error shapes; a field of the wrong type throws ClassCastException.
 * A chunk carrying {@code tool_calls} is read as a tree (it is one of a few per answer).
 *
 * <p>A chunk of the usual shape is read by {@link #plain} with a streaming parser, without building a tree
 * per token; anything else (an error, a field of another type, a repeated field, JSON that does not parse)
 * is left to the tree readers below, which give the answers and the failures they always gave.
 */
final class Chunks {
  /** Marks a delta whose content is not a string or null, or is given twice (compared by identity). */
  private static final String NOT_PLAIN = new String("not plain");

  private Chunks() {}

  /** What the exchange takes from a chunk of the usual shape. */
  record Plain(String content, String finishReason, Usage usage) {}

  /**
   * {@code choices[0].delta.content}, {@code choices[0].finish_reason} and {@code usage} of a chunk that
   * parses whole, has no {@code error}, and has each of these once, as a string or null, and the usage as
   * null or an object of int counts; else null, and the caller reads the chunk as a tree.
   */
  static Plain plain(String data) {
    try (JsonParser parser = DatabindCodec.createParser(data)) {
      Plain plain = parser.nextToken() == JsonToken.START_OBJECT ? root(parser) : null;
      return plain != null && parser.nextToken() == null ? plain : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Plain root(JsonParser parser) throws IOException {
    Plain choice = null;
    Usage usage = null;
    boolean sawChoices = false;
    boolean sawUsage = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("error") && value != JsonToken.VALUE_NULL) {
        return null;
      } else if (field.equals("choices")) {
        if (sawChoices || value != JsonToken.START_ARRAY || (choice = choices(parser)) == null) {
          return null;
        }
        sawChoices = true;
      } else if (field.equals("usage")) {
        if (sawUsage || (value != JsonToken.VALUE_NULL && (value != JsonToken.START_OBJECT || (usage = usage(parser)) == null))) {
          return null;
        }
        sawUsage = true;
      } else {
        parser.skipChildren();
      }
    }
    return choice == null ? new Plain(null, null, usage) : new Plain(choice.content(), choice.finishReason(), usage);
  }

  /** The first choice's content and finish reason (none for no choice), or null when not plain. */
  private static Plain choices(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == JsonToken.END_ARRAY) {
      return new Plain(null, null, null);
    }
    Plain choice = first == JsonToken.START_OBJECT ? choice(parser) : null;
    if (choice == null) {
      return null;
    }
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      parser.skipChildren();
    }
    return choice;
  }

  private static Plain choice(JsonParser parser) throws IOException {
    String content = null;
    String finishReason = null;
    boolean sawDelta = false;
    boolean sawFinish = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("delta")) {
        if (sawDelta || (value != JsonToken.VALUE_NULL && value != JsonToken.START_OBJECT)) {
          return null;
        }
        sawDelta = true;
        if (value == JsonToken.START_OBJECT && (content = deltaContent(parser)) == NOT_PLAIN) {
          return null;
        }
      } else if (field.equals("finish_reason")) {
        if (sawFinish || (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_STRING)) {
          return null;
        }
        sawFinish = true;
        finishReason = value == JsonToken.VALUE_STRING ? parser.getText() : null;
      } else {
        parser.skipChildren();
      }
    }
    return new Plain(content, finishReason, null);
  }

  private static String deltaContent(JsonParser parser) throws IOException {
    String content = null;
    boolean sawContent = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("content")) {
        if (sawContent || (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_STRING)) {
          return NOT_PLAIN;
        }
        sawContent = true;
        content = value == JsonToken.VALUE_STRING ? parser.getText() : null;
      } else if (field.equals("tool_calls") && value != JsonToken.VALUE_NULL) {
        return NOT_PLAIN; // a tool call's fragments are read from the tree
      } else {
        parser.skipChildren();
      }
    }
    return content;
  }

  /** The counts as ints (an absent one is 0), each at most once; else null. */
  private static Usage usage(JsonParser parser) throws IOException {
    Integer prompt = null;
    Integer completion = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      boolean isPrompt = field.equals("prompt_tokens");
      if (isPrompt || field.equals("completion_tokens")) {
        if ((isPrompt ? prompt : completion) != null) {
          return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
          return null; // a null count fails the tree read; a long or a fraction is cut there
        }
        int count = parser.getIntValue();
        if (isPrompt) {
          prompt = count;
        } else {
          completion = count;
        }
      } else {
        parser.skipChildren();
      }
    }
    return new Usage(prompt == null ? 0 : prompt, completion == null ? 0 : completion);
  }

  /** {@code choices[0].delta.content}, or null. */
  static String content(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
    return delta == null ? null : delta.getString("content");
  }

  /** {@code choices[0].delta.tool_calls} (fragments of the calls the model makes), or null. */
  static JsonArray toolCalls(JsonObject chunk) {
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return null;
    }
    JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
    return delta == null ? null : delta.getJsonArray("tool_calls");
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
