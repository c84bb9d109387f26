package io.genesis.agent.model.upstream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts together the tool calls a streamed answer makes, from the {@code choices[0].delta.tool_calls} of its
 * chunks. OpenAI sends each call's {@code id}, {@code type} and {@code function.name} in its first fragment
 * and its {@code function.arguments} in pieces across chunks, several calls told apart by {@code index}.
 * A fragment without an index (some servers leave it out) belongs to the call its {@code id} starts, or
 * else to the last call. Fragments of the wrong shape are skipped: what a call lacks in the end (a name,
 * arguments that parse) is refused when it runs, and the model is told so.
 */
final class ToolCallAssembler {
  /** The most calls one answer may make; fragments of more are dropped. */
  static final int MAX_CALLS = 16;
  /** The longest arguments text kept for one call; a call past it is refused when it runs. */
  static final int MAX_ARGUMENT_CHARS = 16_384;

  /** One call: {@code arguments} is the model's text as sent (JSON, unless the model erred). */
  record ToolCall(String id, String name, String arguments, boolean truncated) {}

  private final TreeMap<Integer, Builder> calls = new TreeMap<>();
  private Integer last;

  private static final class Builder {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
    boolean truncated;
  }

  /** Adds the fragments of one chunk's {@code tool_calls} array. */
  void add(JsonArray fragments) {
    for (Object item : fragments) {
      if (item instanceof JsonObject fragment) {
        add(fragment);
      }
    }
  }

  private void add(JsonObject fragment) {
    Builder call = callFor(fragment);
    if (call == null) {
      return;
    }
    if (fragment.getValue("id") instanceof String id && !id.isEmpty()) {
      call.id = id;
    }
    if (!(fragment.getValue("function") instanceof JsonObject function)) {
      return;
    }
    if (function.getValue("name") instanceof String name && !name.isEmpty()) {
      call.name = call.name == null ? name : call.name.equals(name) ? name : call.name + name;
    }
    if (function.getValue("arguments") instanceof String piece) {
      int room = MAX_ARGUMENT_CHARS - call.arguments.length();
      if (piece.length() > room) {
        call.truncated = true;
        piece = piece.substring(0, Math.max(0, room));
      }
      call.arguments.append(piece);
    }
  }

  private Builder callFor(JsonObject fragment) {
    Integer index = fragment.getValue("index") instanceof Number number ? number.intValue() : null;
    if (index == null) {
      boolean startsCall = fragment.getValue("id") instanceof String id && !id.isEmpty()
          && (last == null || !id.equals(calls.get(last).id));
      index = startsCall || last == null ? (calls.isEmpty() ? 0 : calls.lastKey() + 1) : last;
    }
    if (index < 0 || (!calls.containsKey(index) && calls.size() >= MAX_CALLS)) {
      return null;
    }
    last = index;
    return calls.computeIfAbsent(index, i -> new Builder());
  }

  boolean isEmpty() {
    return calls.isEmpty();
  }

  /**
   * The calls in index order. A call that came without an id gets {@code call_<round>_<n>}, so that its
   * result can still name it.
   */
  List<ToolCall> calls(int round) {
    List<ToolCall> done = new ArrayList<>(calls.size());
    int n = 0;
    for (Builder call : calls.values()) {
      String id = call.id != null ? call.id : "call_" + round + "_" + n;
      done.add(new ToolCall(id, call.name, call.arguments.toString(), call.truncated));
      n++;
    }
    return done;
  }
}
