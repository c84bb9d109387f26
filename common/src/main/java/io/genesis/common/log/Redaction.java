package io.genesis.common.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that masks secrets in text bound for a log: a URL's user-info, bearer and basic
 * credentials, API keys ({@code api_key=…}, {@code "api_key": "…"}, OpenAI-style {@code sk-…}), tokens
 * and passwords given as parameters, and JWTs. Every URL, setting or upstream answer that is logged
 * goes through it. What is masked becomes {@code ***}; the rest stays readable.
 */
public final class Redaction {
  public static final String MASK = "***";
  /** Longest upstream text kept in a log line. */
  public static final int MAX_LOGGED_CHARS = 200;

  /** {@code scheme://user:password@} (or {@code user@}): everything between {@code //} and {@code @}. */
  private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s\"']*@");
  /** {@code Authorization: Bearer xyz}, {@code Basic xyz}, and a bare {@code Bearer xyz}. */
  private static final Pattern SCHEME_CREDENTIALS = Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9._~+/=-]+");
  /** {@code key=value}, {@code key: value}, {@code "key":"value"} for names that hold secrets. */
  private static final Pattern NAMED_SECRET = Pattern.compile(
      "(?i)([\"']?\\b(?:[a-z0-9_-]*(?:api[_-]?key|apikey|token|secret|password|passwd|pwd)|authorization|x-api-key)[\"']?"
          + "\\s*[:=]\\s*[\"']?)([^\"'\\s,&;}]+)");
  /** OpenAI-style keys: {@code sk-…}, {@code sk-proj-…}. */
  private static final Pattern SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}");
  /** A JWT: three base64url parts, the first starting with {@code eyJ}. */
  private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private Redaction() {}

  /**
   * A URL as it may be logged: its user-info masked ({@code http://***@host:port/path}); null stays
   * null. Query parameters that name a secret ({@code ?api_key=…}) are masked too.
   */
  public static String url(String url) {
    return url == null ? null : text(url);
  }

  /** Any text (an error message, an upstream's answer, a setting) with every secret it holds masked. */
  public static String text(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String masked = USER_INFO.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    masked = SCHEME_CREDENTIALS.matcher(masked).replaceAll("$1$2" + Matcher.quoteReplacement(MASK));
    masked = NAMED_SECRET.matcher(masked).replaceAll(match ->
        match.group(2).equals(MASK) ? Matcher.quoteReplacement(match.group()) : Matcher.quoteReplacement(match.group(1) + MASK));
    masked = SK_KEY.matcher(masked).replaceAll(Matcher.quoteReplacement(MASK));
    return JWT.matcher(masked).replaceAll(Matcher.quoteReplacement(MASK));
  }

  /**
   * Text from another server (an error body), for a log line: secrets masked, whitespace runs made one
   * space, at most {@link #MAX_LOGGED_CHARS} characters.
   */
  public static String excerpt(String text) {
    if (text == null) {
      return "";
    }
    String oneLine = text(text.replaceAll("\\s+", " ").trim());
    return oneLine.length() <= MAX_LOGGED_CHARS ? oneLine : oneLine.substring(0, MAX_LOGGED_CHARS) + "…";
  }
}
