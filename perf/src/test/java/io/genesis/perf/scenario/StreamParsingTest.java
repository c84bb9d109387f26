package io.genesis.perf.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.load.Recorder;
import io.genesis.perf.load.Workload.Iteration;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading streamed replies: SSE events, OpenAI chunks, WebSocket frames")
class StreamParsingTest {
  private record Event(String name, String data) {}

  private static List<Event> parse(byte[] bytes, int chunkSize) {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser((name, data) -> events.add(new Event(name, data)));
    for (int i = 0; i < bytes.length; i += chunkSize) {
      parser.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(chunkSize, bytes.length - i)));
    }
    return events;
  }

  @Test
  @DisplayName("SSE events come out whole however the bytes are cut, even inside a UTF-8 character; comments are skipped")
  void sseInAnyChunks() {
    byte[] body = (": keep-alive\n\nevent: meta\ndata: {\"agentId\":\"volt\"}\n\n"
        + "event: delta\ndata: {\"text\":\"Café 💪 \"}\n\nevent: done\r\ndata: {\"id\":1}\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    List<Event> expected = List.of(new Event("meta", "{\"agentId\":\"volt\"}"),
        new Event("delta", "{\"text\":\"Café 💪 \"}"), new Event("done", "{\"id\":1}"));
    for (int size = 1; size <= body.length; size++) {
      assertEquals(expected, parse(body, size), "chunks of " + size + " bytes");
    }
  }

  @Test
  @DisplayName("data lines join with a newline, an unnamed event has a null name, an event not yet ended waits")
  void sseFields() {
    List<Event> events = parse("data: a\ndata:b\n\ndata: [DONE]\n\nevent: delta\ndata: x\n".getBytes(StandardCharsets.UTF_8), 7);
    assertEquals(List.of(new Event(null, "a\nb"), new Event(null, "[DONE]")), events);
  }

  @Test
  @DisplayName("an event whose name needs no data gets an empty string; one that needs it gets its data decoded")
  void sseDataOnlyWhereNeeded() {
    List<Event> events = new ArrayList<>();
    SseParser parser = new SseParser((name, data) -> events.add(new Event(name, data)), "error"::equals);
    parser.feed(Buffer.buffer("event: delta\ndata: {\"text\":\"é\"}\n\nevent: error\r\ndata: {\"status\":503,\n"
        + "data: \"detail\":\"down\"}\n\nevent: odd-name\ndata: x\n\n"));
    assertEquals(List.of(new Event("delta", ""), new Event("error", "{\"status\":503,\n\"detail\":\"down\"}"),
        new Event("odd-name", "")), events);
  }

  @Test
  @DisplayName("an OpenAI chunk is a delta when its content is a non-empty string; the role chunk and the last chunk are not")
  void openAiDeltas() {
    assertTrue(SseStream.isOpenAiDelta("{\"choices\":[{\"delta\":{\"content\":\"Keep \"}}]}"));
    assertTrue(SseStream.isOpenAiDelta("{\"choices\": [{\"delta\": {\"content\" : \"\\\"quoted\\\"\"}}]}"));
    assertFalse(SseStream.isOpenAiDelta("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
    assertFalse(SseStream.isOpenAiDelta("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"));
    assertFalse(SseStream.isOpenAiDelta("{\"choices\":[{\"delta\":{\"content\":null}}]}"));
    assertFalse(SseStream.isOpenAiDelta("{\"choices\":[{\"delta\":{\"content\":\"\"}}],\"x\":\"\\\"content\\\": \\\"no\"}"));
  }

  @Test
  @DisplayName("GENESIS events: deltas counted, done succeeds, an error event fails the reply under error-STATUS")
  void genesisEvents() {
    StreamReply reply = new StreamReply();
    SseStream.genesisEvent(reply, "meta", "{}");
    SseStream.genesisEvent(reply, "delta", "{\"text\":\"a\"}");
    SseStream.genesisEvent(reply, "delta", "{\"text\":\"b\"}");
    SseStream.genesisEvent(reply, "done", "{}");
    assertTrue(reply.future().succeeded());
    assertEquals(2, reply.deltas());

    StreamReply failed = new StreamReply();
    SseStream.genesisEvent(failed, "error", "{\"status\":503,\"detail\":\"model down\"}");
    assertEquals("error-503", failed.failure());
    assertTrue(failed.future().cause().getMessage().contains("model down"));
    SseStream.genesisEvent(failed, "done", "{}");
    assertEquals("error-503", failed.failure(), "the first ending stands");
  }

  @Test
  @DisplayName("OpenAI streams: [DONE] ends them, an error object fails them")
  void openAiEvents() {
    StreamReply reply = new StreamReply();
    SseStream.openAiEvent(reply, "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}");
    SseStream.openAiEvent(reply, "[DONE]");
    assertTrue(reply.future().succeeded());
    assertEquals(1, reply.deltas());
    StreamReply failed = new StreamReply();
    SseStream.openAiEvent(failed, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
    assertEquals("error", failed.failure());
  }

  @Test
  @DisplayName("SSE event ids: each event gets its own id: line as a number, -1 without one or with another")
  void sseIds() {
    List<String> seen = new ArrayList<>();
    SseParser parser = new SseParser((id, name, data) -> seen.add(id + " " + name + " " + data), name -> true);
    parser.feed(Buffer.buffer("id: 1\nevent: meta\ndata: {}\n\nid: 2\nevent: delta\ndata: {\"text\":\"a\"}\n\n"
        + "event: done\ndata: {}\n\nid: x7\nevent: error\ndata: {}\n\n"));
    assertEquals(List.of("1 meta {}", "2 delta {\"text\":\"a\"}", "-1 done {}", "-1 error {}"), seen);
  }

  @Test
  @DisplayName("WebSocket frames: a delta is read from its prefix with its event id, anything else as JSON; not JSON throws")
  void frames() {
    ChatSocketClient.Frame delta = ChatSocketClient.read(
        "{\"type\":\"delta\",\"requestId\":\"r12\",\"eventId\":57,\"text\":\"hi \\\"you\\\"\"}");
    assertEquals("delta", delta.type());
    assertEquals("r12", delta.requestId());
    assertEquals(57, delta.eventId());
    assertNull(delta.json(), "a delta is not parsed");
    ChatSocketClient.Frame done = ChatSocketClient.read("{\"type\":\"done\",\"requestId\":\"r12\",\"eventId\":58,\"id\":\"m1\"}");
    assertEquals("done", done.type());
    assertEquals(58, done.eventId());
    assertEquals("m1", done.json().getString("id"));
    ChatSocketClient.Frame error = ChatSocketClient.read("{\"type\":\"error\",\"status\":429,\"title\":\"x\"}");
    assertNull(error.requestId());
    assertEquals(-1, error.eventId());
    ChatSocketClient.Frame odd = ChatSocketClient.read("{\"type\":\"delta\",\"requestId\":\"a\\\"b\",\"eventId\":3,\"text\":\"x\"}");
    assertEquals("a\"b", odd.requestId(), "an escaped id is parsed, not cut at the escaped quote");
    assertEquals(3, odd.eventId());
    ChatSocketClient.Frame reordered = ChatSocketClient.read("{\"type\":\"delta\",\"requestId\":\"r1\",\"text\":\"x\",\"eventId\":4}");
    assertEquals(4, reordered.eventId(), "a delta written otherwise is parsed");
    assertEquals("x", reordered.json().getString("text"));
    assertThrows(RuntimeException.class, () -> ChatSocketClient.read("not json"));
  }

  @Test
  @DisplayName("a reply records its latency, ttft, deltas and tokens per second; a failed one its outcome and no rate")
  void records() {
    Recorder recorder = new Recorder(0);
    long start = System.nanoTime();
    Iteration iteration = new Iteration(start, 0, recorder);
    StreamReply reply = new StreamReply();
    for (int i = 0; i < 3; i++) {
      long now = System.nanoTime();
      while (System.nanoTime() == now) {
        Thread.onSpinWait(); // distinct delta times, so that a rate exists
      }
      reply.delta();
    }
    reply.done();
    reply.record(iteration, "stream", start);
    StreamReply failed = new StreamReply();
    failed.fail("protocol", "ended without done");
    failed.record(iteration, "stream", start);
    JsonObject stream = recorder.latencyJson(1).getJsonObject("stream");
    assertEquals(2, stream.getLong("count"));
    assertEquals(new JsonObject().put("protocol", 1L), stream.getJsonObject("errorsByOutcome"));
    JsonObject values = recorder.valuesJson();
    assertEquals(1, values.getJsonObject("ttft").getLong("count"));
    assertTrue(values.getJsonObject("ttft").getDouble("max") <= stream.getDouble("max"));
    assertEquals(3.0, values.getJsonObject("deltas").getDouble("max"));
    assertTrue(values.containsKey("tokensPerSecond"));
  }
}
