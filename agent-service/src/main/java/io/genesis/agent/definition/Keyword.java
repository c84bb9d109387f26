package io.genesis.agent.definition;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A routing keyword: a word or phrase, matched on whole words without regard to case. A trailing
 * {@code *} makes it a prefix ({@code stress*} matches "stressed", "stressful"). Words of a phrase may
 * be separated by spaces or hyphens in the text.
 *
 * <p>The definition is the regular expression {@link #pattern()}; {@link #matches(KeywordText)} gives the
 * same answers without it when it can (a keyword of printable ASCII words on text that folds to itself):
 * a search for the first word, then the word boundaries and the other words checked by hand.
 */
public final class Keyword {
  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 5;

  private static final String WORD_CHAR = "[\\p{L}\\p{N}]";
  private static final int WORD_TYPES = (1 << Character.UPPERCASE_LETTER) | (1 << Character.LOWERCASE_LETTER)
      | (1 << Character.TITLECASE_LETTER) | (1 << Character.MODIFIER_LETTER) | (1 << Character.OTHER_LETTER)
      | (1 << Character.DECIMAL_DIGIT_NUMBER) | (1 << Character.LETTER_NUMBER) | (1 << Character.OTHER_NUMBER);

  private final String phrase;
  private final int weight;
  private final Pattern pattern;
  private final String label;
  private final boolean prefix;
  /** The phrase's words, or null when only the pattern can match it. */
  private final String[] words;

  private Keyword(String phrase, int weight, Pattern pattern, boolean prefix, String[] words) {
    this.phrase = phrase;
    this.weight = weight;
    this.pattern = pattern;
    this.label = phrase.replace("*", "");
    this.prefix = prefix;
    this.words = plainAscii(words) ? words : null;
  }

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
    Pattern pattern = Pattern.compile(regex.toString(), Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
    return new Keyword(phrase, weight, pattern, prefix, words);
  }

  /** The keyword as written in the definition, lower case ({@code "stress*"}). */
  public String phrase() {
    return phrase;
  }

  public int weight() {
    return weight;
  }

  /** The regular expression that defines what the keyword matches. */
  public Pattern pattern() {
    return pattern;
  }

  /** The phrase without its {@code *}, as routing reports a match. */
  public String label() {
    return label;
  }

  /** True when the keyword occurs in {@code text}, by the regular expression. */
  public boolean matches(CharSequence text) {
    return pattern.matcher(text).find();
  }

  /** True when the keyword occurs in {@code text}: the same answer as {@link #matches(CharSequence)}. */
  public boolean matches(KeywordText text) {
    if (words == null || !text.foldsToItself()) {
      return matches((CharSequence) text.value());
    }
    String value = text.value();
    String first = words[0];
    for (int at = value.indexOf(first); at >= 0; at = value.indexOf(first, at + 1)) {
      if (!wordCharBefore(value, at) && restMatches(value, at + first.length())) {
        return true;
      }
    }
    return false;
  }

  /** After the first word at {@code from}: the other words, each after spaces or hyphens, then the end. */
  private boolean restMatches(String text, int from) {
    int at = from;
    for (int i = 1; i < words.length; i++) {
      int next = skipSeparators(text, at);
      if (next == at || !text.startsWith(words[i], next)) {
        return false;
      }
      at = next + words[i].length();
    }
    return prefix || at >= text.length() || !isWordChar(text.codePointAt(at));
  }

  private static int skipSeparators(String text, int from) {
    int at = from;
    while (at < text.length() && isSeparator(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /** {@code [\s-]} of the pattern: ASCII white space or a hyphen. */
  private static boolean isSeparator(char c) {
    return c == ' ' || c == '-' || (c >= '\t' && c <= '\r');
  }

  /**
   * The look-behind of the pattern reads the one char before, so a supplementary letter there (a
   * surrogate pair) does not count as a word char, as with the regular expression.
   */
  private static boolean wordCharBefore(String text, int at) {
    return at > 0 && isWordChar(text.charAt(at - 1));
  }

  private static boolean isWordChar(int codePoint) {
    return (WORD_TYPES >> Character.getType(codePoint) & 1) != 0;
  }

  /** Non-empty words of printable ASCII: matched by the text's own chars once it folds to itself. */
  private static boolean plainAscii(String[] words) {
    for (String word : words) {
      if (word.isEmpty()) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        if (c <= ' ' || c >= 0x7f || (c >= 'A' && c <= 'Z')) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Keyword[" + phrase + ", " + weight + "]";
  }
}
