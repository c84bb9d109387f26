package io.genesis.agent.definition;

/**
 * A message's text prepared once for every keyword of every agent.
 *
 * @param value the text
 * @param foldsToItself true when no char of the text matches an ASCII letter other than itself without
 *     regard to case (no upper-case ASCII letter, no {@code ſ} or dotless {@code ı}): an ASCII keyword then
 *     matches the text char for char
 */
public record KeywordText(String value, boolean foldsToItself) {

  public static KeywordText of(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z' || c >= 0x80 && Character.toLowerCase(Character.toUpperCase(c)) < 0x80) {
        return new KeywordText(text, false);
      }
    }
    return new KeywordText(text, true);
  }
}
