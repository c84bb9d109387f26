package io.genesis.agent.coach.calc;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The arguments a model sent for one calculator call, read field by field: a missing, mistyped or
 * out-of-range field, or one the calculator does not take, is a {@link Refused} whose message tells the
 * model what to send instead.
 */
final class ToolArguments {
  private final JsonObject fields;

  private ToolArguments(JsonObject fields) {
    this.fields = fields;
  }

  /** A call the calculator cannot run: its message goes back to the model as the call's error. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses {@code text} (a JSON object; blank counts as {@code {}}) and refuses any field not in {@code allowed}. */
  static ToolArguments parse(String text, Set<String> allowed) {
    JsonObject fields;
    try {
      fields = text == null || text.isBlank() ? new JsonObject() : new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Refused("the arguments are not a JSON object");
    }
    for (String name : fields.fieldNames()) {
      if (!allowed.contains(name)) {
        throw new Refused("unknown argument '" + name + "'; this calculator takes " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
    return new ToolArguments(fields);
  }

  double number(String name, double min, double max) {
    Object value = fields.getValue(name);
    if (value == null) {
      throw new Refused("'" + name + "' is required");
    }
    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
      throw new Refused("'" + name + "' must be a number");
    }
    double x = number.doubleValue();
    if (x < min || x > max) {
      throw new Refused("'" + name + "' must be between " + Fmt.decimal(min, 1) + " and " + Fmt.decimal(max, 1));
    }
    return x;
  }

  int integer(String name, int min, int max) {
    double x = number(name, min, max);
    if (x != Math.rint(x)) {
      throw new Refused("'" + name + "' must be a whole number");
    }
    return (int) x;
  }

  /** One of {@code allowed} (any case); {@code fallback} when absent (null: required). */
  String choice(String name, String fallback, String... allowed) {
    Object value = fields.getValue(name);
    if (value == null) {
      if (fallback == null) {
        throw new Refused("'" + name + "' is required");
      }
      return fallback;
    }
    String text = value instanceof String s ? s.trim().toLowerCase(Locale.ROOT) : null;
    List<String> choices = Arrays.asList(allowed);
    if (text == null || !choices.contains(text)) {
      throw new Refused("'" + name + "' must be one of " + String.join(", ", choices));
    }
    return text;
  }

  String text(String name, int maxChars) {
    Object value = fields.getValue(name);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new Refused("'" + name + "' is required: a non-empty string");
    }
    if (text.length() > maxChars) {
      throw new Refused("'" + name + "' must be at most " + maxChars + " characters");
    }
    return text;
  }
}
