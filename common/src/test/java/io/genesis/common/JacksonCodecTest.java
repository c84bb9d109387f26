package io.genesis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.genesis.common.bus.JacksonCodec;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.bus.Messages.ReplyResult;
import io.genesis.common.bus.Messages.StreamReply;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.id.Ids;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Event-bus codec")
class JacksonCodecTest {
  private final JacksonCodec<MessagePage> codec = new JacksonCodec<>(MessagePage.class);
  private final MessagePage page = new MessagePage(List.of(new MessageView(Ids.newId().toString(),
      Ids.newId().toString(), "user", null, "héllo ✓", Instant.parse("2026-01-02T03:04:05.123456Z"), true)), "next");

  @Test
  @DisplayName("a record crosses the wire intact, after other bytes in the buffer")
  void wire() {
    Buffer buffer = Buffer.buffer("prefix");
    codec.encodeToWire(buffer, page);
    assertEquals(page, codec.decodeFromWire(6, buffer));
  }

  @Test
  @DisplayName("records with a convenience constructor and nested records cross the wire intact")
  void streamRecords() {
    ReplyRequest request = new ReplyRequest("u1", null, "sage", null, "hi",
        List.of(new ChatTurn(Messages.TURN_USER, "before"), new ChatTurn(Messages.TURN_ASSISTANT, "reply")));
    StreamReply open = new StreamReply("s1", "inbox", request, true);
    JacksonCodec<StreamReply> openCodec = new JacksonCodec<>(StreamReply.class);
    Buffer buffer = Buffer.buffer();
    openCodec.encodeToWire(buffer, open);
    assertEquals(open, openCodec.decodeFromWire(0, buffer));

    ReplyEvent error = ReplyEvent.error("s1", new ReplyResult("sage", "half", List.of()), 504, "too slow", 2);
    JacksonCodec<ReplyEvent> eventCodec = new JacksonCodec<>(ReplyEvent.class);
    Buffer wire = Buffer.buffer();
    eventCodec.encodeToWire(wire, error);
    assertEquals(error, eventCodec.decodeFromWire(0, wire));
  }

  @Test
  @DisplayName("a local delivery passes the same immutable record")
  void local() {
    assertSame(page, codec.transform(page));
  }

  @Test
  @DisplayName("UUIDv7 ids are time-ordered")
  void ids() {
    String first = Ids.newId().toString();
    String second = Ids.newId().toString();
    assertEquals(7, java.util.UUID.fromString(first).version());
    assertEquals(-1, Integer.signum(first.compareTo(second)));
  }
}
