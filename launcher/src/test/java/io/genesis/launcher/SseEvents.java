package io.genesis.launcher;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Server-Sent Events parsed from a response body, for tests: name and JSON data of each event, in order. */
record SseEvents(List<Event> events, boolean startsWithComment) {
  record Event(String name, JsonObject data) {}

  static SseEvents parse(String body) {
    List<Event> events = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (name != null) {
        events.add(new Event(name, new JsonObject(data.toString())));
      }
    }
    return new SseEvents(events, body.startsWith(":"));
  }

  List<String> names() {
    return events.stream().map(Event::name).toList();
  }

  List<Event> named(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  JsonObject first(String name) {
    return named(name).stream().findFirst().map(Event::data).orElseThrow(() -> new AssertionError("no " + name + " in " + names()));
  }

  String deltaText() {
    return String.join("", named("delta").stream().map(e -> e.data().getString("text")).toList());
  }
}
