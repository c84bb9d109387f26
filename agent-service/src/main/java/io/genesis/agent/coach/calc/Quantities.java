package io.genesis.agent.coach.calc;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads body measurements out of normalized text: weight ("80kg", "176 lb"), height ("180cm",
 * "1.8 m", "5'11\"", "6 ft 1"), age ("age 30", "30 years old", "30yo", "I'm 30") and sex.
 */
public final class Quantities {
  public static final double KG_PER_LB = 0.45359237;
  public static final double CM_PER_INCH = 2.54;

  /** A mass in kilograms and how the text gave it ("176 lb"). */
  public record Mass(double kg, String asGiven) {}

  /** A length in centimetres and how the text gave it ("5'11\""). */
  public record Height(double cm, String asGiven) {}

  private static final Pattern WEIGHT = Pattern.compile(
      "(?<![\\d.])(\\d{2,3}(?:\\.\\d+)?)\\s*(kgs?|kilos?|kilograms?|lbs?|pounds?)(?![a-z])(?!\\s*(?:x|\\*|for)\\s*\\d)");
  private static final Pattern FEET_INCHES = Pattern.compile(
      "(?<![\\d.])([3-7])\\s*(?:'|ft\\.?|feet|foot)\\s*(?:(\\d{1,2}(?:\\.\\d+)?)(?![\\d.])\\s*(?:\"|''|in\\b\\.?|inch(?:es)?)?)?");
  private static final Pattern CENTIMETRES = Pattern.compile(
      "(?<![\\d.])(\\d{2,3}(?:\\.\\d+)?)\\s*(?:cm|centimet(?:er|re)s?)(?![a-z])");
  private static final Pattern METRES = Pattern.compile(
      "(?<![\\d.])([12]\\.\\d{1,2})\\s*(?:m|meters?|metres?)(?![a-z])");
  private static final Pattern[] AGE = {
      Pattern.compile("\\bage[ds]?\\s*(?:is|of|:|=)?\\s*(\\d{1,3})(?![\\d.])"),
      Pattern.compile("(?<![\\d.])(\\d{1,3})\\s*-?\\s*(?:years?|yrs?|y)\\s*-?\\s*old\\b"),
      Pattern.compile("(?<![\\d.])(\\d{1,3})\\s*(?:yo|y/o|y\\.o\\.?)(?![a-z])"),
      Pattern.compile("\\bi(?:'m| am)\\s+(?:a\\s+)?(\\d{2})(?![\\d.]|\\s*(?:kg|lb|cm|%|'|ft|k\\b|km|min|mi\\b))"),
  };
  private static final Pattern FEMALE = Pattern.compile("\\b(?:female|woman|girl|lady)\\b");
  private static final Pattern MALE = Pattern.compile("\\b(?:male|man|guy|boy)\\b");

  private Quantities() {}

  /** Body weight between 30 and 300 kg; a load written as a set ("100kg x 5") is not a body weight. */
  public static Optional<Mass> bodyWeight(String text) {
    Matcher m = WEIGHT.matcher(text);
    while (m.find()) {
      double value = Texts.number(m.group(1));
      boolean pounds = m.group(2).startsWith("lb") || m.group(2).startsWith("pound");
      double kg = pounds ? value * KG_PER_LB : value;
      if (kg >= 30 && kg <= 300) {
        return Optional.of(new Mass(kg, Fmt.decimal(value, 1) + (pounds ? " lb" : " kg")));
      }
    }
    return Optional.empty();
  }

  /** Height between 100 and 250 cm, from feet and inches, centimetres or metres. */
  public static Optional<Height> height(String text) {
    Matcher m = FEET_INCHES.matcher(text);
    while (m.find()) {
      int feet = Integer.parseInt(m.group(1));
      double inches = m.group(2) == null ? 0 : Texts.number(m.group(2));
      double cm = (feet * 12 + inches) * CM_PER_INCH;
      if (inches < 12 && cm >= 100 && cm <= 250) {
        String given = feet + "'" + (m.group(2) == null ? "" : Fmt.decimal(inches, 1) + "\"");
        return Optional.of(new Height(cm, given));
      }
    }
    m = CENTIMETRES.matcher(text);
    while (m.find()) {
      double cm = Texts.number(m.group(1));
      if (cm >= 100 && cm <= 250) {
        return Optional.of(new Height(cm, Fmt.decimal(cm, 1) + " cm"));
      }
    }
    m = METRES.matcher(text);
    if (m.find() && Texts.number(m.group(1)) >= 1.0) {
      double cm = Texts.number(m.group(1)) * 100;
      return Optional.of(new Height(cm, m.group(1) + " m"));
    }
    return Optional.empty();
  }

  /** Age in years, 13 to 100. */
  public static OptionalInt age(String text) {
    for (Pattern pattern : AGE) {
      Matcher m = pattern.matcher(text);
      while (m.find()) {
        int age = Integer.parseInt(m.group(1));
        if (age >= 13 && age <= 100) {
          return OptionalInt.of(age);
        }
      }
    }
    return OptionalInt.empty();
  }

  public static Optional<Nutrition.Sex> sex(String text) {
    if (FEMALE.matcher(text).find()) {
      return Optional.of(Nutrition.Sex.FEMALE);
    }
    return MALE.matcher(text).find() ? Optional.of(Nutrition.Sex.MALE) : Optional.empty();
  }
}
