package io.genesis.agent.model;

import io.genesis.agent.coach.OfflineCoach;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline coach as a {@link ModelBackend}: computes the answer (microseconds, no IO) and emits it
 * word by word ({@link #tokens}), as a model streams tokens: at once by default, or one token every
 * {@code tokenDelayMillis} for demos. It honours the sink's pauses and stops on cancel. Always admits.
 */
public final class OfflineBackend implements ModelBackend {
  public static final String NAME = "offline";
  private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");

  private final Vertx vertx;
  private final OfflineCoach coach;
  private final long tokenDelayMillis;

  public OfflineBackend(Vertx vertx, OfflineCoach coach, long tokenDelayMillis) {
    this.vertx = vertx;
    this.coach = coach;
    this.tokenDelayMillis = tokenDelayMillis;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ModelCall admit() {
    return call(NAME);
  }

  /** A call answered by the offline coach under another name (the upstream's fallback). */
  public ModelCall call(String backendName) {
    return new ModelCall() {
      @Override
      public String backend() {
        return backendName;
      }

      @Override
      public boolean needsHistory() {
        return false;
      }

      @Override
      public Future<ModelAnswer> stream(ModelRequest request, ReplySink sink) {
        return OfflineBackend.this.stream(request, sink);
      }

      @Override
      public void release() {
      }
    };
  }

  private Future<ModelAnswer> stream(ModelRequest request, ReplySink sink) {
    String text;
    try {
      text = coach.reply(request.agent(), request.userText(), request.handedOffFromName(), request.facts());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Emission emission = new Emission(tokens(text), sink);
    emission.next();
    return emission.done.future();
  }

  /** Splits text into word-plus-following-whitespace pieces whose concatenation is the text. */
  static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    return tokens;
  }

  /** Emits the tokens one after another, waiting while the sink is paused. */
  private final class Emission {
    private final List<String> tokens;
    private final ReplySink sink;
    private final StringBuilder emitted = new StringBuilder();
    private final Promise<ModelAnswer> done = Promise.promise();
    private int index;

    Emission(List<String> tokens, ReplySink sink) {
      this.tokens = tokens;
      this.sink = sink;
      sink.cancelled().onComplete(cancel -> finish());
    }

    void next() {
      while (!done.future().isComplete()) {
        if (index == tokens.size()) {
          finish();
          return;
        }
        if (sink.paused()) {
          sink.onResume(resumed -> next());
          return;
        }
        String token = tokens.get(index++);
        emitted.append(token);
        sink.delta(token);
        if (tokenDelayMillis > 0) {
          vertx.setTimer(tokenDelayMillis, timer -> next());
          return;
        }
      }
    }

    private void finish() {
      done.tryComplete(ModelAnswer.of(emitted.toString()));
    }
  }
}
