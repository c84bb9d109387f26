package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ReplySink;
import io.genesis.common.bus.Messages.Usage;

/**
 * What a call has written to its sink so far, over all its attempts (retries happen only while it is
 * empty), at most {@code maxChars} characters: a reply that would grow past them is cut there and ends
 * with finish reason {@code length}.
 */
final class Answer {
  static final String LENGTH = "length";

  private final ReplySink sink;
  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private Runnable onStart = () -> { };
  private int deltas;
  private Usage usage;
  private String finishReason;

  Answer(ReplySink sink, int maxChars) {
    this.sink = sink;
    this.maxChars = maxChars;
  }

  /** Runs once, when the first delta reaches the sink. */
  void onStart(Runnable action) {
    this.onStart = action;
  }

  /**
   * Writes what fits of {@code content}; answers true when the reply is full (the model wrote past
   * {@code maxChars}): the call must end now.
   */
  boolean delta(String content) {
    int room = maxChars - text.length();
    String kept = content;
    if (content.length() > room) {
      int cut = room > 0 && Character.isHighSurrogate(content.charAt(room - 1)) ? room - 1 : room;
      kept = content.substring(0, Math.max(0, cut));
      finishReason = LENGTH;
    }
    if (!kept.isEmpty()) {
      text.append(kept);
      if (deltas++ == 0) {
        onStart.run();
      }
      sink.delta(kept);
    }
    return LENGTH.equals(finishReason);
  }

  /** True once a delta reached the sink: from then on the call is never retried. */
  boolean started() {
    return deltas > 0;
  }

  int deltas() {
    return deltas;
  }

  void usage(Usage usage) {
    this.usage = usage;
  }

  /** The upstream's own {@code finish_reason}, unless the cut already set {@code length}. */
  void finishReason(String reason) {
    if (finishReason == null) {
      finishReason = reason;
    }
  }

  ModelAnswer toModelAnswer() {
    return new ModelAnswer(text.toString(), usage, finishReason);
  }
}
