package io.genesis.agent.coach.calc;

import java.util.Locale;
import java.util.regex.Pattern;

/** Text normalization shared by the router, the coach and the calculators. */
public final class Texts {
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private Texts() {}

  /**
   * Lower case, typographic quotes and primes made plain ({@code ’ ′ → '}, {@code ” ″ → "}),
   * {@code ×} made {@code x}, whitespace collapsed. Equal inputs give equal keys for the cache.
   */
  public static String normalize(String text) {
    String plain = text.toLowerCase(Locale.ROOT)
        .replace('\u2019', '\'').replace('\u2018', '\'').replace('\u2032', '\'')
        .replace('\u201c', '"').replace('\u201d', '"').replace('\u2033', '"')
        .replace('\u00d7', 'x').replace('\u2013', '-').replace('\u2014', '-');
    return SPACES.matcher(plain).replaceAll(" ").trim();
  }

  static double number(String digits) {
    return Double.parseDouble(digits);
  }
}
