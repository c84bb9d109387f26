package io.genesis.perf.scenario;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events read as the chunks arrive. A chunk may end anywhere, even inside a UTF-8
 * character: bytes wait until their line is complete (a {@code \n} byte is never part of a multi-byte
 * character), lines end with LF or CRLF, and a blank line dispatches the event with its name (null
 * when it had none) and its {@code data} lines joined by {@code \n}. Comments ({@code : keep-alive})
 * and other fields are skipped; an event with neither name nor data is not dispatched.
 */
final class SseParser {
  /** Receives each complete event. */
  interface Listener {
    void event(String name, String data);
  }

  private final Listener listener;
  private Buffer pending = Buffer.buffer();
  private String name;
  private StringBuilder data;

  SseParser(Listener listener) {
    this.listener = listener;
  }

  void feed(Buffer chunk) {
    Buffer bytes = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
    int length = bytes.length();
    int lineStart = 0;
    for (int i = 0; i < length; i++) {
      if (bytes.getByte(i) == '\n') {
        int lineEnd = i > lineStart && bytes.getByte(i - 1) == '\r' ? i - 1 : i;
        line(bytes.getString(lineStart, lineEnd, StandardCharsets.UTF_8.name()));
        lineStart = i + 1;
      }
    }
    pending = lineStart == length ? Buffer.buffer() : bytes.getBuffer(lineStart, length);
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (name != null || data != null) {
        listener.event(name, data == null ? "" : data.toString());
      }
      name = null;
      data = null;
    } else if (line.startsWith("event:")) {
      name = value(line, 6);
    } else if (line.startsWith("data:")) {
      String value = value(line, 5);
      data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
    }
  }

  /** The field's value: after the colon, without one leading space. */
  private static String value(String line, int colon) {
    return line.length() > colon && line.charAt(colon) == ' ' ? line.substring(colon + 1) : line.substring(colon);
  }
}
