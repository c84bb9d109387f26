package io.genesis.gateway.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JSON Schema validation output into {@code FieldError}s: the field the error is about, and a
 * short message in the words the hand-written checks have always used ("must be a string", "is
 * required", "must be at most 200 characters").
 */
final class Messages {
  /** Keywords whose errors only say "a sub-schema failed": the sub-schema's own error says what. */
  private static final Set<String> WRAPPERS = Set.of("properties", "patternProperties", "items", "prefixItems",
      "$ref", "$dynamicRef", "$recursiveRef", "allOf", "anyOf", "oneOf", "if", "then", "else", "not",
      "dependentSchemas", "contains", "unevaluatedItems");
  private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  private Messages() {}

  static void forBody(JsonObject schema, OutputUnit result, RequestValidation.Errors errors) {
    int before = errors.list.size();
    for (OutputUnit unit : ordered(result)) {
      String keyword = keyword(unit);
      if (WRAPPERS.contains(keyword)) {
        continue;
      }
      String at = path(unit.getInstanceLocation());
      switch (keyword) {
        case "required" -> {
          Matcher quoted = QUOTED.matcher(unit.getError() == null ? "" : unit.getError());
          errors.add(quoted.find() ? join(at, quoted.group(1)) : orBody(at), "is required");
        }
        case "additionalProperties", "unevaluatedProperties", "propertyNames" -> {
          // vertx-json-schema also flags a declared property that failed its own schema here: skip those.
          JsonObject parent = schemaAt(schema, unit.getKeywordLocation());
          String location = unit.getInstanceLocation();
          String name = location == null ? "" : unescape(location.substring(location.lastIndexOf('/') + 1));
          if (parent == null || !(parent.getValue("properties") instanceof JsonObject declared) || !declared.containsKey(name)) {
            errors.add(orBody(at), "is not allowed");
          }
        }
        default -> {
          String field = orBody(at);
          if (!errors.has(field)) {
            errors.add(field, describe(keyword, schemaAt(schema, unit.getKeywordLocation()), unit, field.equals("body")));
          }
        }
      }
    }
    if (errors.list.size() == before) {
      errors.add("body", "does not match the schema");
    }
  }

  static String forParameter(JsonObject schema, OutputUnit result) {
    for (OutputUnit unit : ordered(result)) {
      String keyword = keyword(unit);
      if (!WRAPPERS.contains(keyword)) {
        return describe(keyword, schemaAt(schema, unit.getKeywordLocation()), unit, false);
      }
    }
    return "is invalid";
  }

  /** The message for a parameter whose text is not of its schema's type. */
  static String typeMessage(JsonObject schema) {
    Object type = schema.getValue("type");
    if ("integer".equals(type) && schema.getValue("minimum") != null && schema.getValue("maximum") != null) {
      return "must be a whole number from " + schema.getValue("minimum") + " to " + schema.getValue("maximum");
    }
    return switch (String.valueOf(type)) {
      case "integer" -> "must be a whole number";
      case "number" -> "must be a number";
      case "boolean" -> "must be true or false";
      default -> "is invalid";
    };
  }

  /** Errors in document order, but a {@code format} error first: "must be a UUID" says more than a length. */
  private static List<OutputUnit> ordered(OutputUnit result) {
    List<OutputUnit> units = new ArrayList<>(result.getErrors() == null ? List.of() : result.getErrors());
    if (units.isEmpty()) {
      units.add(result);
    }
    units.sort(Comparator.comparingInt(unit -> "format".equals(keyword(unit)) ? 0 : 1));
    return units;
  }

  private static String describe(String keyword, JsonObject at, OutputUnit unit, boolean root) {
    if (at == null) {
      return fallback(unit);
    }
    return switch (keyword) {
      case "type" -> root && "object".equals(at.getValue("type")) ? "must be a JSON object" : "must be " + types(at.getValue("type"));
      case "maxLength" -> "must be at most " + at.getValue("maxLength") + " characters";
      case "minLength" -> Integer.valueOf(1).equals(at.getValue("minLength")) ? "must not be empty"
          : "must be at least " + at.getValue("minLength") + " characters";
      case "pattern" -> at.getValue("x-genesis-message") instanceof String message ? message
          : "must match the pattern " + at.getValue("pattern");
      case "minimum", "maximum" -> range(at);
      case "maxItems" -> "must have at most " + at.getValue("maxItems") + " items";
      case "minItems" -> "must have at least " + at.getValue("minItems") + " items";
      case "format" -> switch (String.valueOf(at.getValue("format"))) {
        case "uuid" -> "must be a UUID";
        case "date-time" -> "must be an ISO-8601 date-time";
        default -> "must be a valid " + at.getValue("format");
      };
      case "enum" -> "must be one of " + at.getValue("enum");
      case "const" -> "must be " + io.vertx.core.json.Json.encode(at.getValue("const"));
      default -> fallback(unit);
    };
  }

  private static String fallback(OutputUnit unit) {
    String error = unit.getError();
    return error == null || error.isEmpty() ? "is invalid" : error;
  }

  private static String range(JsonObject at) {
    Object min = at.getValue("minimum");
    Object max = at.getValue("maximum");
    String what = "integer".equals(at.getValue("type")) || (at.getValue("type") instanceof JsonArray t && t.contains("integer"))
        ? "a whole number" : "a number";
    if (min != null && max != null) {
      return "must be " + what + " from " + min + " to " + max;
    }
    return min != null ? "must be at least " + min : "must be at most " + max;
  }

  private static String types(Object type) {
    List<String> names = new ArrayList<>();
    if (type instanceof JsonArray array) {
      array.forEach(t -> names.add(String.valueOf(t)));
    } else {
      names.add(String.valueOf(type));
    }
    boolean nullable = names.remove("null");
    List<String> words = names.stream().map(Messages::typeWord).toList();
    return String.join(" or ", words) + (nullable ? " (or null)" : "");
  }

  private static String typeWord(String type) {
    return switch (type) {
      case "object" -> "an object";
      case "array" -> "an array";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "string" -> "a string";
      default -> type;
    };
  }

  private static String keyword(OutputUnit unit) {
    String location = unit.getKeywordLocation();
    if (location == null) {
      return "";
    }
    int slash = location.lastIndexOf('/');
    return slash < 0 ? location : location.substring(slash + 1);
  }

  /** The sub-schema a keyword location points into (the keyword's parent), or null when it cannot be followed. */
  static JsonObject schemaAt(JsonObject root, String keywordLocation) {
    if (keywordLocation == null || !keywordLocation.startsWith("#")) {
      return null;
    }
    String[] segments = keywordLocation.substring(1).split("/", -1);
    Object current = root;
    for (int i = 1; i < segments.length - 1; i++) {
      String segment = unescape(segments[i]);
      if (current instanceof JsonObject object) {
        current = object.getValue(segment);
      } else if (current instanceof JsonArray array) {
        try {
          current = array.getValue(Integer.parseInt(segment));
        } catch (RuntimeException e) {
          return null;
        }
      } else {
        return null;
      }
    }
    return current instanceof JsonObject object ? object : null;
  }

  /** A JSON pointer such as {@code #/roles/0} as a field name such as {@code roles[0]}; empty for the root. */
  static String path(String instanceLocation) {
    if (instanceLocation == null || instanceLocation.length() <= 2) {
      return "";
    }
    String path = "";
    for (String segment : instanceLocation.substring(2).split("/", -1)) {
      String name = unescape(segment);
      path = !name.isEmpty() && name.chars().allMatch(Character::isDigit) && !path.isEmpty()
          ? path + "[" + name + "]" : join(path, name);
    }
    return path;
  }

  static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  private static String orBody(String field) {
    return field.isEmpty() ? "body" : field;
  }

  private static String unescape(String segment) {
    String decoded = RequestValidation.percentDecode(segment.replace("~1", "/").replace("~0", "~"));
    return decoded == null ? segment : decoded;
  }
}
