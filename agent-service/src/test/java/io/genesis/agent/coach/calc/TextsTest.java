package io.genesis.agent.coach.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextsTest {
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final String PIECES = " \t\n\u000b\f\r\u00a0\u2003\u0085\u0000\u001fAaZz9'\"\u2019\u2018\u2032\u201c\u201d"
      + "\u2033\u00d7\u2013\u2014-\u0130\u00c9\u212a\ud83d\ude00";

  /** The regular-expression implementation normalize replaced: its answers are the reference. */
  private static String byRegex(String text) {
    String plain = text.toLowerCase(Locale.ROOT)
        .replace('\u2019', '\'').replace('\u2018', '\'').replace('\u2032', '\'')
        .replace('\u201c', '"').replace('\u201d', '"').replace('\u2033', '"')
        .replace('\u00d7', 'x').replace('\u2013', '-').replace('\u2014', '-');
    return SPACES.matcher(plain).replaceAll(" ").trim();
  }

  @Test
  @DisplayName("normalize gives the regular-expression implementation's answer on random text")
  void sameAsRegex() {
    Random random = new Random(8);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        text.append(PIECES.charAt(random.nextInt(PIECES.length())));
      }
      assertEquals(byRegex(text.toString()), Texts.normalize(text.toString()), text::toString);
    }
    assertEquals("it's 5x5 - \"heavy\"", Texts.normalize("  It\u2019s\t5\u00d75 \u2014\n\u201cHEAVY\u201d  "));
  }
}
