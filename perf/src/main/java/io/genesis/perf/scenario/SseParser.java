package io.genesis.perf.scenario;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Server-Sent Events read as the chunks arrive. A chunk may end anywhere, even inside a UTF-8
 * character: bytes wait until their line is complete (a {@code \n} byte is never part of a multi-byte
 * character), lines end with LF or CRLF, and a blank line dispatches the event with its name (null
 * when it had none) and its {@code data} lines joined by {@code \n}. Comments ({@code : keep-alive})
 * and other fields are skipped; an event with neither name nor data is not dispatched. Lines are read
 * as bytes: the usual names are not decoded anew, and an event's data is decoded into a string only
 * for the names that need it (the others get an empty string). An event's {@code id:} (a whole number,
 * as GENESIS numbers a reply's events) goes to an {@link IdListener}; -1 when it had none or another.
 */
final class SseParser {
  /** Receives each complete event. */
  interface Listener {
    void event(String name, String data);
  }

  /** Receives each complete event with its id (-1 when none). */
  interface IdListener {
    void event(long id, String name, String data);
  }

  private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);
  private static final String[] KNOWN_NAMES = {"delta", "done", "error", "meta"};
  private final IdListener listener;
  private final Predicate<String> needsData;
  private Buffer pending = Buffer.buffer();
  private String name;
  /** The event's data lines so far, joined by {@code \n}; null before its first. */
  private Buffer data;
  private long id = -1;

  SseParser(Listener listener) {
    this(listener, name -> true);
  }

  /** {@code needsData}: whether an event of this name (null for none) needs its data. */
  SseParser(Listener listener, Predicate<String> needsData) {
    this((id, name, data) -> listener.event(name, data), needsData);
  }

  /** {@code needsData}: whether an event of this name (null for none) needs its data. */
  SseParser(IdListener listener, Predicate<String> needsData) {
    this.listener = listener;
    this.needsData = needsData;
  }

  void feed(Buffer chunk) {
    Buffer bytes = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
    int length = bytes.length();
    int lineStart = 0;
    for (int i = 0; i < length; i++) {
      if (bytes.getByte(i) == '\n') {
        int lineEnd = i > lineStart && bytes.getByte(i - 1) == '\r' ? i - 1 : i;
        line(bytes, lineStart, lineEnd);
        lineStart = i + 1;
      }
    }
    pending = lineStart == length ? Buffer.buffer() : bytes.getBuffer(lineStart, length);
  }

  private void line(Buffer bytes, int start, int end) {
    if (start == end) {
      if (name != null || data != null) {
        listener.event(id, name, data == null || !needsData.test(name) ? "" : data.toString(StandardCharsets.UTF_8));
      }
      name = null;
      data = null;
      id = -1;
    } else if (startsWith(bytes, start, end, EVENT)) {
      name = name(bytes, valueStart(bytes, start + EVENT.length, end), end);
    } else if (startsWith(bytes, start, end, DATA)) {
      int from = valueStart(bytes, start + DATA.length, end);
      data = data == null ? Buffer.buffer(end - from) : data.appendByte((byte) '\n');
      data.appendBuffer(bytes, from, end - from);
    } else if (startsWith(bytes, start, end, ID)) {
      id = number(bytes, valueStart(bytes, start + ID.length, end), end);
    }
  }

  /** A whole number written in ASCII digits; -1 for anything else. */
  private static long number(Buffer bytes, int from, int end) {
    if (from == end || end - from > 18) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < end; i++) {
      byte digit = bytes.getByte(i);
      if (digit < '0' || digit > '9') {
        return -1;
      }
      value = value * 10 + (digit - '0');
    }
    return value;
  }

  private static boolean startsWith(Buffer bytes, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes.getByte(start + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the field's value starts: after the colon, without one leading space. */
  private static int valueStart(Buffer bytes, int afterColon, int end) {
    return afterColon < end && bytes.getByte(afterColon) == ' ' ? afterColon + 1 : afterColon;
  }

  /** The event's name: one of the usual ones without decoding, else decoded. */
  private static String name(Buffer bytes, int from, int end) {
    for (String known : KNOWN_NAMES) {
      if (known.length() == end - from && matches(bytes, from, known)) {
        return known;
      }
    }
    return bytes.getString(from, end, StandardCharsets.UTF_8.name());
  }

  private static boolean matches(Buffer bytes, int from, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes.getByte(from + i) != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
