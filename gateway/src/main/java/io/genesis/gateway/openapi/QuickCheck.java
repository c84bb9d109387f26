package io.genesis.gateway.openapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.SchemaRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A proof, cheaper than the JSON Schema validator, that a value satisfies a simple schema: it knows a few
 * keywords and answers true only when each of them certainly holds, whatever way the validator reads them
 * (a length both in UTF-16 units and in code points, {@code \S} by every definition of white space). It
 * never reports an error: a value it cannot vouch for goes to the validator, whose errors the client gets.
 * A schema with a keyword it does not know has no quick check ({@link #of} answers null).
 */
final class QuickCheck {
  /** Keywords that only describe, and the resolver's note of where a schema came from. */
  private static final Set<String> ANNOTATIONS =
      Set.of("description", "title", "examples", "default", "deprecated", "__absolute_uri__");
  private static final Set<String> TYPES = Set.of("string", "null", "object", "boolean");
  private static final String NOT_BLANK = "\\S";
  private static final String UUID = "uuid";

  private final Set<String> types;
  private final Integer minLength;
  private final Integer maxLength;
  private final boolean notBlank;
  private final boolean uuid;
  private final Map<String, QuickCheck> properties;
  private final List<String> required;
  private final boolean closed;

  private QuickCheck(Set<String> types, Integer minLength, Integer maxLength, boolean notBlank, boolean uuid,
      Map<String, QuickCheck> properties, List<String> required, boolean closed) {
    this.types = types;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.notBlank = notBlank;
    this.uuid = uuid;
    this.properties = properties;
    this.required = required;
    this.closed = closed;
  }

  /** The quick check of a contract's schema, its references followed; null when there is none. */
  static QuickCheck of(SchemaRepository repository, JsonObject schema) {
    try {
      return of(repository.resolve(schema));
    } catch (RuntimeException e) {
      return null; // a reference that does not resolve: the validator alone answers
    }
  }

  /** The quick check of {@code schema}, or null when it uses a keyword or a value this does not know. */
  static QuickCheck of(JsonObject schema) {
    Keywords keywords = new Keywords();
    for (Map.Entry<String, Object> entry : schema) {
      String keyword = entry.getKey();
      boolean annotation = ANNOTATIONS.contains(keyword) || keyword.startsWith("x-");
      if (!annotation && !keywords.read(keyword, entry.getValue())) {
        return null;
      }
    }
    return keywords.types.isEmpty() ? null : new QuickCheck(Set.copyOf(keywords.types), keywords.minLength,
        keywords.maxLength, keywords.notBlank, keywords.uuid, Map.copyOf(keywords.properties),
        List.copyOf(keywords.required), keywords.closed);
  }

  /** The keywords of one schema as they are read. */
  private static final class Keywords {
    final Set<String> types = new HashSet<>();
    Integer minLength;
    Integer maxLength;
    boolean notBlank;
    boolean uuid;
    final Map<String, QuickCheck> properties = new LinkedHashMap<>();
    final List<String> required = new ArrayList<>();
    boolean closed;

    /** Reads one keyword; false when this does not know it or its value. */
    boolean read(String keyword, Object value) {
      return switch (keyword) {
        case "type" -> types(value, types);
        case "minLength" -> (minLength = count(value)) >= 0;
        case "maxLength" -> (maxLength = count(value)) >= 0;
        case "pattern" -> notBlank = NOT_BLANK.equals(value);
        case "format" -> uuid = UUID.equals(value);
        case "additionalProperties" -> (closed = Boolean.FALSE.equals(value)) || Boolean.TRUE.equals(value);
        case "required" -> required(value);
        case "properties" -> properties(value);
        default -> false;
      };
    }

    private boolean required(Object value) {
      if (!(value instanceof JsonArray names) || !names.stream().allMatch(String.class::isInstance)) {
        return false;
      }
      names.forEach(name -> required.add((String) name));
      return true;
    }

    private boolean properties(Object value) {
      if (!(value instanceof JsonObject object)) {
        return false;
      }
      for (Map.Entry<String, Object> property : object) {
        QuickCheck check = property.getValue() instanceof JsonObject sub ? of(sub) : null;
        if (check == null) {
          return false;
        }
        properties.put(property.getKey(), check);
      }
      return true;
    }
  }

  /** A length bound as a whole number, or -1 when it is none this knows. */
  private static int count(Object value) {
    boolean whole = value instanceof Integer || value instanceof Long || value instanceof Short;
    long count = whole ? ((Number) value).longValue() : -1;
    return count >= 0 && count <= Integer.MAX_VALUE ? (int) count : -1;
  }

  private static boolean types(Object value, Set<String> types) {
    if (value instanceof String type && TYPES.contains(type)) {
      types.add(type);
      return true;
    }
    if (value instanceof JsonArray list && !list.isEmpty()) {
      for (Object type : list) {
        if (!(type instanceof String name) || !TYPES.contains(name)) {
          return false;
        }
        types.add(name);
      }
      return true;
    }
    return false;
  }

  /** True only when {@code value} certainly satisfies the schema; false says nothing. */
  boolean certainlyValid(Object value) {
    if (value == null) {
      return types.contains("null");
    }
    if (value instanceof String text) {
      return types.contains("string") && text(text);
    }
    if (value instanceof Boolean) {
      return types.contains("boolean");
    }
    if (value instanceof JsonObject object) {
      return types.contains("object") && object(object);
    }
    return false;
  }

  private boolean text(String text) {
    int units = text.length();
    int codePoints = text.codePointCount(0, units);
    if (minLength != null && codePoints < minLength || maxLength != null && units > maxLength) {
      return false;
    }
    return (!notBlank || hasNonSpace(text)) && (!uuid || isLowerCaseUuid(text));
  }

  private boolean object(JsonObject object) {
    for (String name : required) {
      if (!object.containsKey(name)) {
        return false;
      }
    }
    for (Map.Entry<String, Object> entry : object) {
      QuickCheck property = properties.get(entry.getKey());
      if (property == null ? closed : !property.certainlyValid(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** A char that is no kind of white space (Java's, Unicode's, ECMAScript's), so {@code \S} finds it. */
  private static boolean hasNonSpace(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > ' ' && c != '\u0085' && c != '\ufeff' && !Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 8-4-4-4-12} lower-case hex digits: a UUID by any reading of the format. */
  private static boolean isLowerCaseUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
