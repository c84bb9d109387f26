package io.genesis.agent.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.coach.calc.Texts;
import io.genesis.agent.routing.AgentRouter;
import io.genesis.agent.routing.KeywordScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins routing's matching without regular expressions to the regular expression that defines each
 * keyword ({@link Keyword#matches(CharSequence)}, the implementation routing used before): the same answer
 * for every keyword on a corpus of every built-in keyword in many surroundings, and on random text.
 */
class KeywordMatchingTest {
  private static final List<Keyword> BUILT_IN = TestAgents.builtIn().definitions().stream()
      .flatMap(agent -> agent.keywords().stream()).toList();
  private static final List<Keyword> UNUSUAL = List.of(Keyword.of("self-talk", 1), Keyword.of("don't", 1),
      Keyword.of("café", 1), Keyword.of("*", 1), Keyword.of("-x", 1), Keyword.of("c++", 1), Keyword.of("a.b", 1),
      Keyword.of("5k*", 1), Keyword.of("Zone 2", 1), Keyword.of("ſtress", 1), Keyword.of("i", 1), Keyword.of("k*", 1),
      Keyword.of("rest  day *", 1), Keyword.of("x-", 1), Keyword.of("\\Q\\E", 1));
  /** Around and between words: boundaries of every kind the pattern looks at, ASCII and not. */
  private static final List<String> SURROUNDINGS = List.of("", " ", "  ", "-", "--", " - ", "\t", "\n", "\r\n",
      "\u000b", "\f", ".", ",", "!", "?", "'", "\"", "(", ")", "/", "_", "x", "s", "9", "é", "ß", "ſ", "ı", "İ",
      "\u212a", "\u00a0", "\u2003", "\u3000", "日本", "\u0661", "\u216b", "\u2170", "\u00b2", "\u0345", "\u0301",
      "\ud835\udc00", "\ud840\udc00", "\ud83d\ude00", "\ud835\udfce", "\ud800", "\udc00", "ʰ", "ǅ");

  @Test
  @DisplayName("every keyword answers as its regular expression on its own spellings in every surrounding")
  void corpus() {
    List<Keyword> keywords = new ArrayList<>(BUILT_IN);
    keywords.addAll(UNUSUAL);
    int matchedLiterally = 0;
    for (Keyword keyword : keywords) {
      List<Keyword> one = List.of(keyword);
      for (String spelling : spellings(keyword.label().trim())) {
        for (int i = 0; i < SURROUNDINGS.size(); i++) {
          String before = SURROUNDINGS.get(i);
          String after = SURROUNDINGS.get((i * 7 + 3) % SURROUNDINGS.size());
          for (String text : List.of(before + spelling + after, "so " + before + spelling + before + "ing")) {
            matchedLiterally += assertSameAnswers(one, text);
            matchedLiterally += assertSameAnswers(one, Texts.normalize(text));
          }
        }
      }
    }
    assertTrue(matchedLiterally > BUILT_IN.size(), "the corpus exercises matches without the pattern");
  }

  @Test
  @DisplayName("every keyword answers as its regular expression on random text made of keywords and boundaries")
  void randomText() {
    List<Keyword> keywords = new ArrayList<>(BUILT_IN);
    keywords.addAll(UNUSUAL);
    List<String> pieces = new ArrayList<>(SURROUNDINGS);
    keywords.forEach(keyword -> pieces.addAll(List.of(keyword.label().split("[ -]"))));
    Random random = new Random(18);
    for (int i = 0; i < 1200; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(8); n >= 0; n--) {
        String piece = pieces.get(random.nextInt(pieces.size()));
        text.append(random.nextInt(6) == 0 ? piece.toUpperCase(Locale.ROOT) : piece);
        if (random.nextBoolean()) {
          text.append(SURROUNDINGS.get(random.nextInt(SURROUNDINGS.size())));
        }
      }
      assertSameAnswers(keywords, text.toString());
      assertSameAnswers(keywords, Texts.normalize(text.toString()));
    }
  }

  @Test
  @DisplayName("the router's scores on the corpus are those of the regular expressions")
  void routerScores() {
    AgentRouter router = new AgentRouter(TestAgents.builtIn());
    List<String> texts = new ArrayList<>();
    for (Keyword keyword : BUILT_IN) {
      String label = keyword.label().trim();
      texts.add("About " + label + ", and my SLEEP, stress-free squats and a 5K pace?");
      texts.add(label.toUpperCase(Locale.ROOT) + "S, " + label.replace(' ', '-') + "ſ ı " + label + "é");
    }
    for (String text : texts) {
      String normalized = Texts.normalize(text);
      List<KeywordScore> expected = TestAgents.builtIn().definitions().stream().map(agent -> {
        List<String> matched = agent.keywords().stream().filter(k -> k.matches((CharSequence) normalized))
            .map(k -> k.phrase().replace("*", "")).toList();
        int score = agent.keywords().stream().filter(k -> k.matches((CharSequence) normalized))
            .mapToInt(Keyword::weight).sum();
        return new KeywordScore(agent.id(), score, matched);
      }).toList();
      assertEquals(expected, router.scores(text), text);
    }
  }

  /** The label as written, upper case, capitalized, hyphenated, with its spaces doubled, and a prefix's forms. */
  private static List<String> spellings(String label) {
    List<String> spellings = new ArrayList<>(List.of(label, label.toUpperCase(Locale.ROOT),
        label.isEmpty() ? label : Character.toUpperCase(label.charAt(0)) + label.substring(1),
        label.replace(' ', '-'), label.replace(" ", "  "), label.replace(" ", " -\t"), label.replace(" ", ""),
        label + "s", label + "ed", label.length() > 1 ? label.substring(0, label.length() - 1) : label,
        label.replace('s', 'ſ'), label.replace('i', 'ı'), label.replace('k', '\u212a')));
    return spellings;
  }

  /** Asserts both ways give the same answer for every keyword; returns how many matched without the pattern. */
  private static int assertSameAnswers(List<Keyword> keywords, String text) {
    KeywordText prepared = KeywordText.of(text);
    int literal = 0;
    for (Keyword keyword : keywords) {
      boolean expected = keyword.matches((CharSequence) text);
      assertEquals(expected, keyword.matches(prepared), () -> keyword + " on \"" + text + "\"");
      if (expected && prepared.foldsToItself()) {
        literal++;
      }
    }
    return literal;
  }
}
