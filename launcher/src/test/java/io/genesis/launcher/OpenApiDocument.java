package io.genesis.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The served OpenAPI document ({@code GET /openapi.json}), with the look-ups the tests make in it. */
record OpenApiDocument(JsonObject json) {

  JsonObject paths() {
    return json.getJsonObject("paths");
  }

  /** The path item of a path as written in the document, e.g. {@code /api/v1/sessions/{sessionId}}. */
  JsonObject pathItem(String path) {
    return paths().getJsonObject(path);
  }

  /** An operation: {@code method} in lower case, as the document writes it. */
  JsonObject operation(String path, String method) {
    return pathItem(path).getJsonObject(method);
  }

  /** Replaces every {@code $ref} into this document by what it points at (the document has no cycles). */
  Object inline(Object node) {
    if (node instanceof JsonObject object) {
      if (object.getValue("$ref") instanceof String ref && ref.startsWith("#/")) {
        Object target = json;
        for (String segment : ref.substring(2).split("/")) {
          target = ((JsonObject) target).getValue(segment.replace("~1", "/").replace("~0", "~"));
        }
        return inline(target);
      }
      JsonObject copy = new JsonObject();
      object.forEach(e -> copy.put(e.getKey(), inline(e.getValue())));
      return copy;
    }
    if (node instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(inline(item)));
      return copy;
    }
    return node;
  }
}
