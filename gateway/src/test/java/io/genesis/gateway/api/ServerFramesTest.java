package io.genesis.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WebSocket frames of a reply's events: the SSE data's fields after type, requestId and eventId")
class ServerFramesTest {

  @Test
  @DisplayName("meta, handoff, done and delta frames carry the event's fields, the request id and the event id")
  void spliced() {
    MessageView reply = new MessageView("m1", "s1", "agent", "sage", "a \"quoted\"\nline", Instant.parse("2026-12-07T00:00:00Z"), true);
    JsonObject done = new JsonObject(ServerFrames.ofEvent("done", "r\"1", 7, Json.toString(reply)));
    assertEquals("done", done.getString("type"));
    assertEquals("r\"1", done.getString("requestId"));
    assertEquals(7L, done.getLong("eventId"));
    assertEquals(reply.content(), done.getString("content"));
    assertEquals(true, done.getBoolean("partial"));
    JsonObject handoff = new JsonObject(ServerFrames.ofEvent("handoff", "r", 2, Json.toString(new Handoff("blaze", "sage", "food"))));
    assertEquals("sage", handoff.getString("to"));
    JsonObject stored = new JsonObject(ServerFrames.ofEvent("done", "r", 0, Json.toString(reply)));
    assertFalse(stored.containsKey("eventId"), "event 0 (a stored reply sent alone) has no id");
    JsonObject delta = new JsonObject(ServerFrames.delta(ServerFrames.deltaPrefix("r"), 3, Json.toString("x\ny")));
    assertEquals(3L, delta.getLong("eventId"));
    assertEquals("x\ny", delta.getString("text"));
  }

  @Test
  @DisplayName("an error frame names the problem's type problemType and leaves out its HTTP instance")
  void error() {
    String data = ReplyEvents.problemData(new ServiceException(503, "the model service is unavailable", 2), "q1", "/api/v1/ws");
    JsonObject frame = new JsonObject(ServerFrames.ofEvent("error", "r", 9, data));
    assertEquals("error", frame.getString("type"));
    assertEquals(503, frame.getInteger("status"));
    assertEquals(2, frame.getInteger("retryAfterSeconds"));
    assertEquals(9L, frame.getLong("eventId"));
    assertFalse(frame.containsKey("instance"));
    assertFalse(frame.getString("problemType").isEmpty());
  }
}
