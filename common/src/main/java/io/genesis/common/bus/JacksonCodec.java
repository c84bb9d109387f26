package io.genesis.common.bus;

import io.genesis.common.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** Passes immutable records through locally; writes them as length-prefixed JSON across the cluster. */
public final class JacksonCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  public JacksonCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = Json.toBytes(value);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return Json.fromBytes(buffer.getBytes(pos + 4, pos + 4 + length), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "genesis:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
