package io.genesis.launcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A WebSocket client on a bare TCP socket, for tests that pause reading at the TCP level and check
 * every byte the server sends: each frame header is validated (no RSV bits, no mask, known opcodes)
 * and fragmented messages are reassembled. Its state lives on the socket's context.
 *
 * <p>Used where the Vert.x 5.0.8 WebSocket client is not reliable enough: after a long pause it
 * sometimes fails to decode a fragmented message of several megabytes ({@code RSV != 0}), although
 * the bytes on the wire, read here, are well formed.
 */
final class RawWebSocket {
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
  private static final int COMPACT_AT = 1 << 20;

  private final NetSocket socket;
  private final Promise<RawWebSocket> upgraded = Promise.promise();
  private final List<String> messages = new ArrayList<>();
  private Buffer fragments = Buffer.buffer();
  private Buffer received = Buffer.buffer();
  private int position;
  private boolean open;
  private Predicate<String> last;
  private Promise<List<String>> until;
  private String failure;

  private RawWebSocket(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::read);
    socket.closeHandler(closed -> fail("the connection closed"));
  }

  static Future<RawWebSocket> connect(Vertx vertx, NetClientOptions options, int port, String uri, String token) {
    return vertx.createNetClient(options).connect(port, "127.0.0.1").compose(socket -> {
      RawWebSocket ws = new RawWebSocket(socket);
      socket.write("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + token + "\r\n\r\n");
      return ws.upgraded.future();
    });
  }

  /** One masked text frame, as a client must send it. */
  Future<Void> sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
    }
    frame.appendBytes(MASK);
    for (int i = 0; i < payload.length; i++) {
      frame.appendByte((byte) (payload[i] ^ MASK[i % 4]));
    }
    return socket.write(frame);
  }

  Future<Void> close() {
    return socket.close();
  }

  void pause() {
    socket.pause();
  }

  void resume() {
    socket.resume();
  }

  /** The text messages received, once one matches {@code match} (call once, on the socket's context). */
  Future<List<String>> messagesUntil(Predicate<String> match) {
    last = match;
    until = Promise.promise();
    messages.stream().filter(match).findFirst().ifPresent(found -> until.complete(List.copyOf(messages)));
    return until.future();
  }

  private void read(Buffer data) {
    received.appendBuffer(data);
    if (!open) {
      handshake();
    }
    while (open && failure == null && frame()) {
      // one whole frame consumed
    }
    if (position > COMPACT_AT) {
      received = received.getBuffer(position, received.length());
      position = 0;
    }
  }

  private void handshake() {
    String head = received.toString(StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      return;
    }
    if (!head.startsWith("HTTP/1.1 101")) {
      upgraded.tryFail(head.substring(0, end));
      return;
    }
    open = true;
    position = end + 4;
    upgraded.complete(this);
  }

  /** Reads one frame if it is all there; false when more bytes are needed. */
  private boolean frame() {
    int available = received.length() - position;
    if (available < 2) {
      return false;
    }
    int first = received.getUnsignedByte(position);
    int second = received.getUnsignedByte(position + 1);
    int header = 2;
    long length = second & 0x7f;
    if (length == 126) {
      header = 4;
      length = available < header ? 0 : received.getUnsignedShort(position + 2);
    } else if (length == 127) {
      header = 10;
      length = available < header ? 0 : received.getLong(position + 2);
    }
    int opcode = first & 0x0f;
    if ((first & 0x70) != 0 || (second & 0x80) != 0 || (opcode > 2 && opcode < 8) || opcode > 10) {
      fail("malformed frame header " + Integer.toHexString(first) + " " + Integer.toHexString(second) + " at byte " + position);
      return false;
    }
    if (available < header || available < header + length) {
      return false;
    }
    if (opcode <= 2) {
      fragments.appendBuffer(received.getBuffer(position + header, position + header + (int) length));
      if ((first & 0x80) != 0) {
        message(fragments.toString(StandardCharsets.UTF_8));
        fragments = Buffer.buffer();
      }
    }
    position += header + (int) length;
    return true;
  }

  private void message(String text) {
    messages.add(text);
    if (until != null && last.test(text)) {
      until.tryComplete(List.copyOf(messages));
    }
  }

  private void fail(String why) {
    failure = why;
    upgraded.tryFail(why);
    if (until != null) {
      until.tryFail(why);
    }
  }
}
