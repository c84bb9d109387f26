package io.genesis.agent.model;

import io.genesis.agent.coach.OfflineCoach;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline coach as a {@link ModelBackend}: computes the answer (microseconds, no IO) and emits it
 * word by word ({@link #tokens}), as a model would stream tokens.
 */
public final class OfflineBackend implements ModelBackend {
  private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");

  private final OfflineCoach coach;

  public OfflineBackend(OfflineCoach coach) {
    this.coach = coach;
  }

  @Override
  public String name() {
    return "offline";
  }

  @Override
  public Future<String> stream(ModelRequest request, Handler<String> onDelta) {
    String text;
    try {
      text = coach.reply(request.agent(), request.userText(), request.handedOffFromName());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    for (String token : tokens(text)) {
      onDelta.handle(token);
    }
    return Future.succeededFuture(text);
  }

  public OfflineCoach coach() {
    return coach;
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
}
