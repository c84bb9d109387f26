package io.genesis.agent.coach.calc;

import java.util.Locale;

/** Text normalization shared by the router, the coach and the calculators. */
public final class Texts {
  private Texts() {}

  /**
   * Lower case, typographic quotes and primes made plain ({@code ’ ′ → '}, {@code ” ″ → "}),
   * {@code ×} made {@code x}, whitespace collapsed. Equal inputs give equal keys for the cache.
   */
  public static String normalize(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder plain = new StringBuilder(lower.length());
    boolean inSpaces = false;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean space = isSpace(c);
      if (!space || !inSpaces) {
        plain.append(space ? ' ' : plain(c));
      }
      inSpaces = space;
    }
    return plain.toString().trim();
  }

  /** White space as the regular expression {@code \s} reads it: ASCII only. */
  private static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static char plain(char c) {
    return switch (c) {
      case '\u2019', '\u2018', '\u2032' -> '\'';
      case '\u201c', '\u201d', '\u2033' -> '"';
      case '\u00d7' -> 'x';
      case '\u2013', '\u2014' -> '-';
      default -> c;
    };
  }

  static double number(String digits) {
    return Double.parseDouble(digits);
  }
}
