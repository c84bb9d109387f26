package io.genesis.perf.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pass/fail criteria in the manner of k6, one {@code --threshold} each: {@code [series.]stat OP value[unit]}.
 * <ul>
 *   <li>{@code p99<50ms}, {@code message.p99.9<=300ms}, {@code ttft.p95<1s}: a stat of a series, looked up
 *       in {@code latency} then {@code values} (default series {@code all}). Stats: p50 p90 p95 p99 p99.9
 *       max min mean (times: units ms, s, us, or none for ms), count, rate (per second; {@code rate>=95%}
 *       compares the achieved rate with the target), errors (the error ratio: {@code errors<0.1%}).</li>
 *   <li>{@code dropped==0}, {@code late<1%}: counts, or with {@code %} ratios (late over started, dropped
 *       over scheduled).</li>
 *   <li>Anything else is a dotted path into the summary: {@code result.highestRateHeld>=900},
 *       {@code stages.0.latency.p99<100ms}; {@code %} divides by 100, a time unit converts to ms, and
 *       true/false read as 1/0.</li>
 * </ul>
 * OP is one of {@code < <= > >= == !=}. A threshold whose figure is missing from the summary fails.
 */
public final class Thresholds {
  private static final Pattern EXPRESSION = Pattern.compile(
      "\\s*([A-Za-z0-9_.\\-]+?)\\s*(<=|>=|==|!=|<|>)\\s*(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*([A-Za-z%\u00b5]*)\\s*");
  private static final List<String> STATS = List.of("p99.9", "p50", "p90", "p95", "p99", "max", "min", "mean",
      "count", "rate", "errors");
  private static final String SYNTAX = "expected [series.]stat OP value[unit], OP one of < <= > >= == !=,"
      + " e.g. p99<50ms, message.p95<=200ms, errors<0.1%, rate>=95, dropped==0, late<1%, result.highestRateHeld>=900";

  enum Op {
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    static Op of(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException(symbol);
    }

    boolean test(double actual, double limit) {
      double epsilon = 1e-9 * Math.max(Math.abs(actual), Math.abs(limit)) + 1e-12;
      return switch (this) {
        case LT -> actual < limit - epsilon;
        case LE -> actual <= limit + epsilon;
        case GT -> actual > limit + epsilon;
        case GE -> actual >= limit - epsilon;
        case EQ -> Math.abs(actual - limit) <= epsilon;
        case NE -> Math.abs(actual - limit) > epsilon;
      };
    }
  }

  /** A unit and its factor to the summary's base units (milliseconds, or a ratio for %). */
  enum Unit {
    NONE("", 1), MS("ms", 1), S("s", 1000), US("us", 0.001), PERCENT("%", 0.01);

    final String symbol;
    final double factor;

    Unit(String symbol, double factor) {
      this.symbol = symbol;
      this.factor = factor;
    }

    boolean isTime() {
      return this == MS || this == S || this == US;
    }
  }

  /** What a threshold reads: a series' stat, the late or dropped figure, or a plain path. */
  private enum Kind { STAT, LATE, DROPPED, PATH }

  /** One parsed threshold. */
  public record Threshold(String expression, String target, Op op, double value, Unit unit) {}

  private record Parsed(Threshold threshold, Kind kind, String series, String stat, List<String> path) {}

  private final List<Parsed> parsed;

  private Thresholds(List<Parsed> parsed) {
    this.parsed = parsed;
  }

  public static Thresholds none() {
    return new Thresholds(List.of());
  }

  /** Parses every expression; the first bad one throws, naming it and the expected syntax. */
  public static Thresholds parse(List<String> expressions) {
    List<Parsed> parsed = new ArrayList<>();
    for (String expression : expressions) {
      parsed.add(parseOne(expression == null ? "" : expression));
    }
    return new Thresholds(List.copyOf(parsed));
  }

  public List<Threshold> list() {
    return parsed.stream().map(Parsed::threshold).toList();
  }

  public boolean isEmpty() {
    return parsed.isEmpty();
  }

  private static Parsed parseOne(String expression) {
    Matcher m = EXPRESSION.matcher(expression);
    if (!m.matches()) {
      throw bad(expression, SYNTAX);
    }
    String target = m.group(1);
    if (target.startsWith(".") || target.endsWith(".") || target.contains("..")) {
      throw bad(expression, "'" + target + "' is not a dotted name");
    }
    Unit unit = unit(expression, m.group(4));
    Threshold threshold = new Threshold(expression.strip(), target, Op.of(m.group(2)), Double.parseDouble(m.group(3)), unit);
    if (target.equals("late") || target.equals("dropped")) {
      if (unit.isTime()) {
        throw bad(expression, "'" + target + "' is a count (or with %, a ratio), not a time");
      }
      return new Parsed(threshold, target.equals("late") ? Kind.LATE : Kind.DROPPED, null, null, null);
    }
    for (String stat : STATS) {
      if (target.equals(stat) || target.endsWith("." + stat)) {
        String series = target.equals(stat) ? "all" : target.substring(0, target.length() - stat.length() - 1);
        if (!series.contains(".")) {
          checkUnit(expression, series, stat, unit, threshold.value());
          return new Parsed(threshold, Kind.STAT, series, stat, List.of(target.split("\\.")));
        }
        break;
      }
    }
    return new Parsed(threshold, Kind.PATH, null, null, List.of(target.split("\\.")));
  }

  private static Unit unit(String expression, String symbol) {
    String normal = symbol.toLowerCase(Locale.ROOT).replace('\u00b5', 'u');
    for (Unit unit : Unit.values()) {
      if (unit.symbol.equals(normal)) {
        return unit;
      }
    }
    throw bad(expression, "unknown unit '" + symbol + "' (use ms, s, us, % or none)");
  }

  private static void checkUnit(String expression, String series, String stat, Unit unit, double value) {
    switch (stat) {
      case "count" -> {
        if (unit != Unit.NONE) {
          throw bad(expression, "count is a plain number, it takes no unit");
        }
      }
      case "rate" -> {
        if (unit.isTime() || (unit == Unit.PERCENT && !series.equals("all"))) {
          throw bad(expression, "rate is requests per second; only the overall rate takes % (of the target rate)");
        }
      }
      case "errors" -> {
        if (unit.isTime()) {
          throw bad(expression, "errors is the error ratio, not a time");
        }
        if (unit == Unit.NONE && value > 1) {
          throw bad(expression, "errors is the error ratio: write " + SummaryView.num(value) + "% or a fraction such as 0.01");
        }
      }
      default -> {
        if (unit == Unit.PERCENT) {
          throw bad(expression, stat + " is a time: use ms, s or us");
        }
      }
    }
  }

  private static IllegalArgumentException bad(String expression, String why) {
    return new IllegalArgumentException("bad threshold '" + expression + "': " + why);
  }

  /** Each threshold against {@code summary}: {@code {"expression","actual","unit","passed"[,"note"]}}. */
  public JsonArray evaluate(JsonObject summary) {
    JsonArray results = new JsonArray();
    for (Parsed p : parsed) {
      results.add(evaluate(p, summary));
    }
    return results;
  }

  /** Puts {@code thresholds} and {@code passed} (all of them passed; true when there are none) into the summary. */
  public JsonObject applyTo(JsonObject summary) {
    JsonArray results = evaluate(summary);
    summary.put("thresholds", results).put("passed", passed(results));
    return summary;
  }

  public static boolean passed(JsonArray results) {
    return results.stream().allMatch(r -> r instanceof JsonObject o && Boolean.TRUE.equals(o.getValue("passed")));
  }

  private static JsonObject evaluate(Parsed p, JsonObject summary) {
    Threshold t = p.threshold();
    JsonObject result = new JsonObject().put("expression", t.expression());
    double base;
    try {
      base = actual(p, summary);
    } catch (Missing missing) {
      return result.putNull("actual").put("unit", t.unit().symbol).put("passed", false).put("note", missing.getMessage());
    }
    double shown = Math.round(base / t.unit().factor * 1_000_000) / 1_000_000.0;
    return result.put("actual", shown).put("unit", t.unit().symbol).put("passed", t.op().test(base, t.value() * t.unit().factor));
  }

  /** The figure in base units (ms for times, a ratio for %), or {@link Missing} saying what is absent. */
  private static double actual(Parsed p, JsonObject summary) throws Missing {
    Unit unit = p.threshold().unit();
    switch (p.kind()) {
      case LATE -> {
        double late = number(summary, List.of("late", "count"));
        return unit == Unit.PERCENT ? ratio(late, number(summary, List.of("started")), "started") : late;
      }
      case DROPPED -> {
        double dropped = number(summary, List.of("dropped"));
        if (unit != Unit.PERCENT) {
          return dropped;
        }
        Object scheduled = summary.getValue("scheduled");
        return scheduled instanceof Number n ? ratio(dropped, n.doubleValue(), "scheduled")
            : ratio(dropped, number(summary, List.of("started")) + dropped, "due");
      }
      case STAT -> {
        return stat(p, summary);
      }
      default -> {
        return number(summary, p.path());
      }
    }
  }

  private static double stat(Parsed p, JsonObject summary) throws Missing {
    Unit unit = p.threshold().unit();
    if (p.stat().equals("rate") && unit == Unit.PERCENT) {
      Object target = SummaryView.object(summary, "rate").getValue("target");
      if (!(target instanceof Number)) {
        throw new Missing("no target rate in the summary (a closed model has none)");
      }
      return ratio(number(summary, List.of("rate", "achieved")), ((Number) target).doubleValue(), "the target rate");
    }
    String where = "latency";
    Object series = SummaryView.object(summary, "latency").getValue(p.series());
    if (!(series instanceof JsonObject)) {
      where = "values";
      series = SummaryView.object(summary, "values").getValue(p.series());
    }
    if (!(series instanceof JsonObject stats)) {
      try {
        return number(summary, p.path());
      } catch (Missing notAPath) {
        throw new Missing("no series '" + p.series() + "' in latency or values");
      }
    }
    String field = p.stat().equals("errors") ? "errorRate" : p.stat();
    if (!(stats.getValue(field) instanceof Number value)) {
      throw new Missing(where + "." + p.series() + " has no " + field
          + (SummaryView.count(stats, "count") == 0 ? " (nothing was measured)" : ""));
    }
    String seriesUnit = stats.getString("unit", "ms");
    if (unit.isTime() && !seriesUnit.equals("ms") && !List.of("count", "rate", "errors").contains(p.stat())) {
      throw new Missing(where + "." + p.series() + " is in " + seriesUnit + ", not a time");
    }
    return value.doubleValue();
  }

  private static double ratio(double part, double whole, String of) throws Missing {
    if (whole <= 0) {
      throw new Missing("nothing " + of + " to take a ratio of");
    }
    return part / whole;
  }

  private static double number(JsonObject summary, List<String> path) throws Missing {
    Object node = summary;
    for (String key : path) {
      if (node instanceof JsonObject object && object.containsKey(key)) {
        node = object.getValue(key);
      } else if (node instanceof JsonArray array && key.matches("\\d{1,9}") && Integer.parseInt(key) < array.size()) {
        node = array.getValue(Integer.parseInt(key));
      } else {
        throw new Missing("no " + String.join(".", path) + " in the summary");
      }
    }
    if (node instanceof Number n) {
      return n.doubleValue();
    }
    if (node instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new Missing(String.join(".", path) + " is not a number");
  }

  /** A figure the summary lacks; its message says which. */
  private static final class Missing extends Exception {
    Missing(String message) {
      super(message, null, false, false);
    }
  }
}
