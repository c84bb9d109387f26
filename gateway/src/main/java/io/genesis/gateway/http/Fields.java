package io.genesis.gateway.http;

import io.genesis.common.error.Problem.FieldError;
import io.genesis.common.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the errors of one request's fields, so a client learns about every bad field at once.
 * Call {@link #check()} after reading them all.
 */
public final class Fields {
  private final List<FieldError> errors = new ArrayList<>();

  public String optionalString(JsonObject body, String name, int maxLength) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      return reject(name, "must be a string");
    }
    if (length(text) > maxLength) {
      return reject(name, "must be at most " + maxLength + " characters");
    }
    String invalid = unicodeProblem(text);
    return invalid == null ? text : reject(name, invalid);
  }

  /** Characters as JSON Schema's {@code maxLength} counts them: code points, not UTF-16 units. */
  static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * Why a string cannot be stored, or null: it must be valid Unicode without NUL (PostgreSQL text cannot
   * hold U+0000). HTTP bodies are checked against the OpenAPI document first; WebSocket frames only here.
   */
  public static String unicodeProblem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        return "must not contain NUL (U+0000)";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return "must be valid Unicode (it has a lone surrogate)";
        }
      } else if (Character.isLowSurrogate(c)) {
        return "must be valid Unicode (it has a lone surrogate)";
      }
    }
    return null;
  }

  public String requiredText(JsonObject body, String name, int maxLength) {
    if (body.getValue(name) == null) {
      return reject(name, "is required");
    }
    String text = optionalString(body, name, maxLength);
    if (text != null && text.isBlank()) {
      return reject(name, "must not be blank");
    }
    return text;
  }

  public List<String> optionalStrings(JsonObject body, String name, int maxItems, int maxLength) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.size() > maxItems) {
      reject(name, "must be an array of at most " + maxItems + " strings");
      return null;
    }
    List<String> items = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String text) || text.isBlank() || length(text) > maxLength) {
        reject(name, "must hold non-blank strings of at most " + maxLength + " characters");
        return null;
      }
      items.add(text);
    }
    return items;
  }

  public Integer optionalInt(JsonObject body, String name, int min, int max) {
    Object value = body.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      return reject(name, "must be a whole number from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  public int queryInt(RoutingContext ctx, String name, int min, int max, int fallback) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    reject(name, "must be a whole number from " + min + " to " + max);
    return fallback;
  }

  public Boolean queryBoolean(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if ("true".equals(raw) || "false".equals(raw)) {
      return Boolean.valueOf(raw);
    }
    return reject(name, "must be true or false");
  }

  public String queryString(RoutingContext ctx, String name, int maxLength) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (length(raw) > maxLength) {
      return reject(name, "must be at most " + maxLength + " characters");
    }
    return raw;
  }

  /** A UUID from the path or query; {@code required} decides whether absence is an error. */
  public String uuid(String raw, String name, boolean required) {
    if (raw == null || raw.isEmpty()) {
      return required ? reject(name, "is required") : null;
    }
    if (Ids.parseOrNull(raw) == null) {
      return reject(name, "must be a UUID");
    }
    return raw.toLowerCase(java.util.Locale.ROOT);
  }

  public <T> T reject(String field, String message) {
    errors.add(new FieldError(field, message));
    return null;
  }

  public void check() {
    if (!errors.isEmpty()) {
      throw new InvalidRequest(errors);
    }
  }
}
