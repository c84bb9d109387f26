package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ReplySink;
import io.genesis.common.bus.Messages.Usage;

/** What a call has written to its sink so far, over all its attempts (retries happen only while it is empty). */
final class Answer {
  private final ReplySink sink;
  private final StringBuilder text = new StringBuilder();
  private int deltas;
  private Usage usage;

  Answer(ReplySink sink) {
    this.sink = sink;
  }

  void delta(String content) {
    deltas++;
    text.append(content);
    sink.delta(content);
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

  ModelAnswer toModelAnswer() {
    return new ModelAnswer(text.toString(), usage);
  }
}
