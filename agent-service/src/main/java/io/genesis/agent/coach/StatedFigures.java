package io.genesis.agent.coach;

import io.genesis.agent.coach.calc.Quantities;
import io.genesis.agent.coach.calc.Texts;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Profile;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures about themselves a person states in a message ("I'm 82 kg now", "I weigh 180 lb", "I'm 30", "I am
 * 180 cm", "I'm a woman"), as a profile holding just those. Only first-person statements count: "I benched 100 kg"
 * or "my son is 12" are not about the profile. Used for the conversation, and offered (never written) for the profile.
 */
public final class StatedFigures {
  private static final Pattern WEIGHT = Pattern.compile("\\b(?:i(?:'m| am)(?: now| currently)?(?: at)?|i weigh(?:ed)?(?: in at)?"
      + "(?: now)?|my (?:body ?)?weight(?: is| now is|'s)?(?: now)?|weighing in at)\\s*(?:about |around |roughly )?"
      + "(?=\\d{2,3}(?:\\.\\d+)?\\s*(?:kgs?|kilos?|kilograms?|lbs?|pounds?)\\b)");
  private static final Pattern HEIGHT = Pattern.compile("\\b(?:i(?:'m| am)|my height(?: is|'s)?|i stand)\\s*(?:about |around )?"
      + "(?=\\d(?:\\.\\d{1,2})?\\s*m\\b|\\d{3}\\s*cm\\b|[4-7]\\s*(?:'|ft|feet|foot))");
  private static final Pattern AGE = Pattern.compile("\\b(?:i(?:'m| am)\\s+(\\d{2})(?:\\s*(?:years? old|yo|y/o))?(?![\\d.]"
      + "|\\s*(?:kg|lb|cm|%|'|ft|k\\b|km|min|mi\\b|h\\b|hours?|reps?|times?|minutes?|days?|weeks?|months?|steps?|bpm|percent))"
      + "|my age is\\s+(\\d{2}))");
  private static final Pattern SEX = Pattern.compile("\\bi(?:'m| am)\\s+(?:a\\s+)?(male|female|man|woman|guy|girl)\\b");

  private StatedFigures() {}

  /** The figures stated in one message; {@link Profile#EMPTY} when none. */
  public static Profile of(String userText) {
    String text = Texts.normalize(userText);
    Double weight = null;
    Matcher m = WEIGHT.matcher(text);
    if (m.find()) {
      weight = Quantities.bodyWeight(text.substring(m.end(), Math.min(text.length(), m.end() + 24)))
          .map(mass -> Math.round(mass.kg() * 10) / 10.0).orElse(null);
    }
    Double height = null;
    m = HEIGHT.matcher(text);
    if (m.find()) {
      height = Quantities.height(text.substring(m.end(), Math.min(text.length(), m.end() + 24)))
          .map(h -> Math.round(h.cm() * 10) / 10.0).orElse(null);
    }
    Integer age = null;
    m = AGE.matcher(text);
    if (m.find()) {
      int value = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      age = value >= 13 && value <= 100 ? value : null;
    }
    String sex = null;
    m = SEX.matcher(text);
    if (m.find()) {
      sex = switch (m.group(1)) {
        case "female", "woman", "girl" -> "female";
        default -> "male";
      };
    }
    return new Profile(age, sex, height, weight, null, null, null, null);
  }

  /** The figures stated in the user's turns of a conversation, a later statement winning over an earlier one. */
  public static Profile ofConversation(List<ChatTurn> turns) {
    Profile stated = Profile.EMPTY;
    for (ChatTurn turn : turns) {
      if ("user".equals(turn.role())) {
        stated = stated.merged(of(turn.content()), List.of());
      }
    }
    return stated;
  }

  /** What of {@code stated} differs from {@code stored}: the patch to offer (empty when it agrees). */
  public static Profile suggestion(Profile stored, Profile stated) {
    return new Profile(
        Objects.equals(stated.age(), stored.age()) ? null : stated.age(),
        Objects.equals(stated.sex(), stored.sex()) ? null : stated.sex(),
        differs(stated.heightCm(), stored.heightCm(), 0.5) ? stated.heightCm() : null,
        differs(stated.weightKg(), stored.weightKg(), 0.05) ? stated.weightKg() : null,
        null, null, null, null);
  }

  private static boolean differs(Double stated, Double stored, double tolerance) {
    return stated != null && (stored == null || Math.abs(stated - stored) > tolerance);
  }
}
