package io.genesis.gateway.openai;

import io.genesis.common.bus.Messages;
import io.genesis.common.id.Ids;
import io.genesis.gateway.openai.Wire.Choice;
import io.genesis.gateway.openai.Wire.Chunk;
import io.genesis.gateway.openai.Wire.ChunkChoice;
import io.genesis.gateway.openai.Wire.Completion;
import io.genesis.gateway.openai.Wire.Delta;
import io.genesis.gateway.openai.Wire.Message;
import io.genesis.gateway.openai.Wire.Usage;
import java.time.Instant;
import java.util.List;

/** One completion: its id, creation second and model, and the bodies that carry it. */
record ChatReply(String id, long created, String model) {
  private static final String ASSISTANT = "assistant";
  private static final String STOP = "stop";
  private static final String CHUNK = "chat.completion.chunk";

  static ChatReply of(String model) {
    return new ChatReply("chatcmpl-" + Ids.newId().toString().replace("-", ""), Instant.now().getEpochSecond(), model);
  }

  /** {@code stream:false}: the whole reply; {@code finishReason} null means {@code stop}. */
  Completion completion(String text, Messages.Usage usage, String finishReason) {
    Choice choice = new Choice(0, new Message(ASSISTANT, text, null), null, finishReason == null ? STOP : finishReason);
    return new Completion(id, "chat.completion", created, model, List.of(choice), Usage.of(usage));
  }

  Chunk roleChunk() {
    return chunk(new Delta(ASSISTANT, ""), null);
  }

  Chunk contentChunk(String text) {
    return chunk(new Delta(null, text), null);
  }

  /** The last choice chunk: {@code stop}, or {@code length} when the reply was cut at its size limit. */
  Chunk stopChunk(String finishReason) {
    return chunk(new Delta(null, null), finishReason == null ? STOP : finishReason);
  }

  /** {@code stream_options.include_usage}: the counts, after the last choice, in a chunk with no choices. */
  Chunk usageChunk(Messages.Usage usage) {
    return new Chunk(id, CHUNK, created, model, List.of(), Usage.of(usage));
  }

  private Chunk chunk(Delta delta, String finishReason) {
    return new Chunk(id, CHUNK, created, model, List.of(new ChunkChoice(0, delta, null, finishReason)), null);
  }
}
