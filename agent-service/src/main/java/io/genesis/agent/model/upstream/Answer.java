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
  static final String TOOL_CALLS = "tool_calls";

  private final ReplySink sink;
  private final int maxChars;
  private final StringBuilder text = new StringBuilder();
  private Runnable onStart = () -> { };
  private int deltas;
  private Usage usage;
  /** The token counts of the rounds before this one (a reply whose model called tools), or null. */
  private Usage earlierUsage;
  private String finishReason;

  Answer(ReplySink sink, int maxChars) {
    this.sink = sink;
    this.maxChars = maxChars;
  }

  /**
   * Runs once, when the first delta reaches the sink, or, in a round that calls tools, when the first
   * fragment of a tool call comes (the model has started answering).
   */
  void onStart(Runnable action) {
    this.onStart = action;
  }

  /** The model began a tool call: its first token, for the first-token budget. */
  void toolCallBegan() {
    fireStart();
  }

  private void fireStart() {
    Runnable action = onStart;
    onStart = () -> { };
    action.run();
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
        fireStart();
      }
      sink.delta(kept);
    }
    return LENGTH.equals(finishReason);
  }

  /** Characters written so far. */
  int length() {
    return text.length();
  }

  /** The text written from {@code start} on (a round's own text). */
  String textFrom(int start) {
    return text.substring(start);
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

  /**
   * The upstream's own {@code finish_reason}, unless the cut already set {@code length}. {@code tool_calls}
   * ends a round, not the reply: it is not kept.
   */
  void finishReason(String reason) {
    if (finishReason == null && !TOOL_CALLS.equals(reason)) {
      finishReason = reason;
    }
  }

  /**
   * A round that called tools is over and another begins: its token counts are kept, added to the next's, and
   * its finish reason is dropped (a server that ends tool calls with {@code stop} must not decide the reply's).
   */
  void nextRound() {
    finishReason = null;
    if (usage != null) {
      earlierUsage = sum(earlierUsage, usage);
      usage = null;
    }
  }

  ModelAnswer toModelAnswer() {
    return new ModelAnswer(text.toString(), usage == null ? earlierUsage : sum(earlierUsage, usage), finishReason);
  }

  private static Usage sum(Usage a, Usage b) {
    return a == null ? b : new Usage(a.promptTokens() + b.promptTokens(), a.completionTokens() + b.completionTokens());
  }
}
