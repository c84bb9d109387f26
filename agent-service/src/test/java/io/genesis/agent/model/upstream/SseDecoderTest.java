package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SseDecoderTest {
  private static final String BODY = ": keep-alive\n\n"
      + "data: {\"content\":\"Café 💪\"}\n\n"
      + "event: message\r\nid: 7\r\ndata: first line\r\ndata:second line\r\n\r\n"
      + "data: cr only\r\r"
      + "data: [DONE]\n\n";
  private static final List<String> EVENTS = List.of(
      "{\"content\":\"Café 💪\"}", "first line\nsecond line", "cr only", "[DONE]");

  @Test
  @DisplayName("events come out whole wherever the body is split, even inside a line or a UTF-8 character")
  void splitAnywhere() {
    byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertEquals(EVENTS, decode(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)), "cut at " + cut);
    }
  }

  @Test
  @DisplayName("byte by byte, the events are the same")
  void byteByByte() {
    byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
    byte[][] pieces = new byte[bytes.length][];
    for (int i = 0; i < bytes.length; i++) {
      pieces[i] = new byte[] {bytes[i]};
    }
    assertEquals(EVENTS, decode(pieces));
  }

  @Test
  @DisplayName("a last event without its blank line counts when the body ends")
  void endWithoutBlankLine() {
    assertEquals(List.of("a", "b"), decode("data: a\n\ndata: b".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("a line over 1 MiB is a malformed stream")
  void longLine() {
    SseDecoder decoder = new SseDecoder();
    Buffer huge = Buffer.buffer(new byte[SseDecoder.MAX_LINE_BYTES + 1]);
    assertThrows(UpstreamFailure.class, () -> decoder.feed(huge, event -> { }));
  }

  private static List<String> decode(byte[]... pieces) {
    SseDecoder decoder = new SseDecoder();
    List<String> events = new ArrayList<>();
    for (byte[] piece : pieces) {
      decoder.feed(Buffer.buffer(piece), events::add);
    }
    decoder.end(events::add);
    return events;
  }
}
