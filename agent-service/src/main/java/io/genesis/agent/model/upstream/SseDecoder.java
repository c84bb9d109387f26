package io.genesis.agent.model.upstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a server-sent-events body into the data of its events, whatever the pieces it arrives in:
 * a line, and a UTF-8 character, may be split across buffers. Lines end with LF, CRLF or CR; comments
 * and fields other than {@code data} are ignored; an event's data lines are joined with LF.
 */
final class SseDecoder {
  static final int MAX_LINE_BYTES = 1 << 20;

  private Buffer partial = Buffer.buffer();
  private boolean afterCr;
  private StringBuilder data;

  /** Reads one piece of the body, passing each event it completes to {@code onData}. */
  void feed(Buffer piece, Consumer<String> onData) {
    byte[] bytes = piece.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (afterCr && b == '\n') {
        afterCr = false;
        start = i + 1;
        continue;
      }
      afterCr = b == '\r';
      if (b == '\n' || b == '\r') {
        partial.appendBytes(bytes, start, i - start);
        line(onData);
        start = i + 1;
      }
    }
    partial.appendBytes(bytes, start, bytes.length - start);
    if (partial.length() > MAX_LINE_BYTES) {
      throw UpstreamFailure.malformed("a line longer than " + MAX_LINE_BYTES + " bytes");
    }
  }

  /** The body ended: a last event without its closing blank line still counts. */
  void end(Consumer<String> onData) {
    if (partial.length() > 0) {
      line(onData);
    }
    dispatch(onData);
  }

  private void line(Consumer<String> onData) {
    // Decoded only once whole, so a character split across pieces is never cut.
    String line = partial.toString(StandardCharsets.UTF_8);
    partial = Buffer.buffer();
    if (line.isEmpty()) {
      dispatch(onData);
      return;
    }
    int colon = line.indexOf(':');
    if (colon == 0 || !"data".equals(colon < 0 ? line : line.substring(0, colon))) {
      return;
    }
    String value = colon < 0 ? "" : line.substring(colon + 1);
    value = value.startsWith(" ") ? value.substring(1) : value;
    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
  }

  private void dispatch(Consumer<String> onData) {
    if (data != null) {
      String event = data.toString();
      data = null;
      onData.accept(event);
    }
  }
}
