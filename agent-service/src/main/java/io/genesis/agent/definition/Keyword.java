package io.genesis.agent.definition;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A routing keyword: a word or phrase, matched on whole words without regard to case. A trailing
 * {@code *} makes it a prefix ({@code stress*} matches "stressed", "stressful"). Words of a phrase may
 * be separated by spaces or hyphens in the text.
 */
public record Keyword(String phrase, int weight, Pattern pattern) {
  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 5;

  private static final String WORD_CHAR = "[\\p{L}\\p{N}]";

  /** Builds a keyword from its file spelling ({@code "heart rate"}, {@code "stretch*"}). */
  public static Keyword of(String spec, int weight) {
    String phrase = spec.trim().toLowerCase(Locale.ROOT);
    boolean prefix = phrase.endsWith("*");
    String body = prefix ? phrase.substring(0, phrase.length() - 1).trim() : phrase;
    StringBuilder regex = new StringBuilder("(?<!" + WORD_CHAR + ")");
    String[] words = body.split("[\\s-]+");
    for (int i = 0; i < words.length; i++) {
      regex.append(i == 0 ? "" : "[\\s-]+").append(Pattern.quote(words[i]));
    }
    regex.append(prefix ? WORD_CHAR + "*" : "(?!" + WORD_CHAR + ")");
    return new Keyword(phrase, weight, Pattern.compile(regex.toString(), Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE));
  }

  /** True when the keyword occurs in {@code text}. */
  public boolean matches(CharSequence text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find();
  }
}
