package io.genesis.agent.coach.calc;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A box-breathing (4-4-4-4, 16 s a round) and 5-4-3-2-1 grounding routine, sized to the minutes the
 * message asks for ("for 5 minutes"), two minutes otherwise.
 */
final class BreathingRoutine implements Calculator {
  static final String NAME = "breathing";
  static final int SECONDS_PER_ROUND = 16;
  static final int DEFAULT_MINUTES = 2;

  private static final Pattern ASKS = Pattern.compile("breath|calm|panic|anxi|stress|overwhelm|ground|relax"
      + "|nervous|racing thoughts|tense|on edge");
  private static final Pattern MINUTES = Pattern.compile("(?<![\\d.])(\\d{1,2})\\s*(?:min|mins|minutes)\\b");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Calculation> evaluate(String text) {
    if (!ASKS.matcher(text).find()) {
      return Optional.empty();
    }
    Matcher m = MINUTES.matcher(text);
    int minutes = DEFAULT_MINUTES;
    if (m.find()) {
      minutes = Math.max(1, Math.min(30, Integer.parseInt(m.group(1))));
    }
    int rounds = (minutes * 60 + SECONDS_PER_ROUND - 1) / SECONDS_PER_ROUND;
    return Optional.of(Calculation.result(NAME, "Box breathing, " + rounds + " rounds (about " + minutes
        + " min): breathe in for 4, hold for 4, out for 4, hold for 4. Then ground yourself, 5-4-3-2-1: "
        + "name 5 things you see, 4 you can touch, 3 you hear, 2 you smell and 1 you taste."));
  }
}
