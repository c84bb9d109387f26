package io.genesis.perf.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a run summary (see {@code LoadRunner}) into the lines and tables that both the console and
 * the HTML report show, so the two never disagree. Every method tolerates missing fields.
 */
final class SummaryView {
  static final String[] PERCENTILES = {"p50", "p90", "p95", "p99", "p99.9"};
  static final String PASS = "\u2713";
  static final String FAIL = "\u2717";

  /** A titled group of scalar fields (name, value) and tables, e.g. a scenario's result. */
  record Section(String title, List<String[]> fields, List<Table> tables) {
    boolean isEmpty() {
      return fields.isEmpty() && tables.isEmpty();
    }
  }

  private SummaryView() {}

  static String num(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    if (value instanceof Number n) {
      return num(n.doubleValue());
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      return value.toString();
    }
    return String.valueOf(value);
  }

  /** At most two decimals, or three significant digits below 1; no trailing zeros. */
  static String num(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return String.valueOf(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal decimal = BigDecimal.valueOf(value);
    decimal = Math.abs(value) >= 1 ? decimal.setScale(2, RoundingMode.HALF_UP)
        : decimal.round(new MathContext(3, RoundingMode.HALF_UP));
    return decimal.stripTrailingZeros().toPlainString();
  }

  static String percent(Object ratio) {
    return ratio instanceof Number n ? num(n.doubleValue() * 100) + "%" : "-";
  }

  static long count(JsonObject json, String key) {
    return json != null && json.getValue(key) instanceof Number n ? n.longValue() : 0;
  }

  static double number(JsonObject json, String key) {
    return json != null && json.getValue(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static JsonObject object(JsonObject json, String key) {
    return json != null && json.getValue(key) instanceof JsonObject o ? o : new JsonObject();
  }

  static JsonArray array(JsonObject json, String key) {
    return json != null && json.getValue(key) instanceof JsonArray a ? a : new JsonArray();
  }

  static String text(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value == null ? "-" : String.valueOf(value);
  }

  /** "PASSED", "FAILED", or null when the summary carries no verdict. */
  static String verdict(JsonObject summary) {
    Object passed = summary.getValue("passed");
    return passed instanceof Boolean b ? (b ? "PASSED" : "FAILED") : null;
  }

  static String model(JsonObject model) {
    if (model.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    if ("closed".equals(model.getValue("type"))) {
      out.append("closed, ").append(num(model.getValue("vus"))).append(" VUs for ")
          .append(num(model.getValue("seconds"))).append(" s");
      if (model.getValue("iterations") != null) {
        out.append(" or ").append(num(model.getValue("iterations"))).append(" iterations");
      }
    } else {
      JsonArray stages = array(model, "stages");
      out.append("open, ");
      if (stages.size() == 1 && stages.getValue(0) instanceof JsonObject stage) {
        out.append(rates(stage)).append("/s for ").append(num(stage.getValue("seconds"))).append(" s");
      } else {
        double peak = 0;
        for (Object stage : stages) {
          if (stage instanceof JsonObject s) {
            peak = Math.max(peak, Math.max(number(s, "fromRate"), number(s, "toRate")));
          }
        }
        out.append(stages.size()).append(" stages over ").append(num(model.getValue("seconds")))
            .append(" s, up to ").append(num(peak)).append("/s");
      }
      if (model.getValue("arrivals") != null) {
        out.append(", ").append(num(model.getValue("arrivals"))).append(" arrivals");
      }
      if (model.getValue("maxInFlight") != null) {
        out.append(", at most ").append(num(model.getValue("maxInFlight"))).append(" in flight");
      }
    }
    if (number(model, "warmupSeconds") > 0) {
      out.append(" (after a ").append(num(model.getValue("warmupSeconds"))).append(" s warm-up)");
    }
    return out.toString();
  }

  private static String rates(JsonObject stage) {
    String from = num(stage.getValue("fromRate"));
    String to = num(stage.getValue("toRate"));
    return from.equals(to) ? to : from + " -> " + to;
  }

  /** The run's key figures as (label, value) lines. */
  static List<String[]> overview(JsonObject s) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"scenario", text(s, "scenario")});
    lines.add(new String[] {"target", text(s, "target")});
    if (s.getValue("against") != null) {
      lines.add(new String[] {"against", text(s, "against")});
    }
    lines.add(new String[] {"started at", text(s, "startedAt")});
    lines.add(new String[] {"model", model(object(s, "model"))});
    lines.add(new String[] {"measured", num(s.getValue("measuredSeconds")) + " s"});
    StringBuilder requests = new StringBuilder();
    for (String key : new String[] {"scheduled", "started", "completed", "unfinished", "dropped"}) {
      if (s.getValue(key) != null) {
        requests.append(requests.length() == 0 ? "" : ", ").append(key).append(' ').append(num(s.getValue(key)));
      }
    }
    lines.add(new String[] {"requests", requests.toString()});
    JsonObject late = object(s, "late");
    if (!late.isEmpty()) {
      long started = count(s, "started");
      lines.add(new String[] {"late", num(late.getValue("count")) + " sent more than "
          + num(late.getValue("toleranceMillis")) + " ms after they were due"
          + (started > 0 ? " (" + percent((double) count(late, "count") / started) + " of started)" : "")
          + ", worst " + num(late.getValue("maxMillis")) + " ms"});
    }
    JsonObject rate = object(s, "rate");
    if (!rate.isEmpty()) {
      lines.add(new String[] {"rate", num(rate.getValue("achieved")) + "/s completed"
          + (rate.getValue("target") != null ? ", target " + num(rate.getValue("target")) + "/s" : "")});
    }
    if (s.getValue("maxInFlight") != null) {
      lines.add(new String[] {"in flight", "at most " + num(s.getValue("maxInFlight"))});
    }
    JsonObject server = object(s, "server");
    if (!server.isEmpty()) {
      lines.add(new String[] {"server", "pid " + num(server.getValue("pid")) + ", RSS " + num(server.getValue("rssMbFirst"))
          + " MB first, " + num(server.getValue("rssMbLast")) + " MB last, " + num(server.getValue("rssMbMax")) + " MB max"});
    }
    JsonObject failed = object(s, "failedIterations");
    if (!failed.isEmpty()) {
      lines.add(new String[] {"failed iterations", num(failed.getValue("count")) + " (first: " + text(failed, "first") + ")"});
    }
    return lines;
  }

  /** Why the figures cannot be trusted as they stand, one sentence each; empty for a clean run. */
  static List<String> warnings(JsonObject s) {
    List<String> warnings = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    long started = count(s, "started");
    long dropped = count(s, "dropped");
    long late = count(object(s, "late"), "count");
    long unfinished = count(s, "unfinished");
    if (dropped > 0) {
      reasons.add(dropped + " due requests were dropped (the maximum in flight, "
          + num(object(s, "model").getValue("maxInFlight")) + ", was reached)");
    }
    if (late * 100 > started && late > 0) {
      reasons.add(late + " of " + started + " requests (" + percent(started == 0 ? 1.0 : (double) late / started)
          + ") were sent more than " + num(object(s, "late").getValue("toleranceMillis")) + " ms late, worst "
          + num(object(s, "late").getValue("maxMillis")) + " ms");
    }
    if (unfinished > 0) {
      reasons.add(unfinished + " requests were still in flight at the end and are not in the latency figures");
    }
    if (!reasons.isEmpty()) {
      warnings.add("WARNING: the load generator could not keep the schedule: " + String.join("; ", reasons)
          + ". The figures understate the latency clients would see.");
    }
    JsonObject failed = object(s, "failedIterations");
    if (count(failed, "count") > 0) {
      warnings.add("WARNING: " + count(failed, "count") + " iterations failed inside the load generator (first: "
          + text(failed, "first") + ").");
    }
    if (s.getValue("completed") != null && count(s, "completed") == 0) {
      warnings.add("WARNING: no request completed in the measured time.");
    }
    return warnings;
  }

  static Table latency(JsonObject s) {
    List<String> headers = new ArrayList<>(List.of("name", "count", "rate/s", "mean"));
    headers.addAll(List.of(PERCENTILES));
    headers.addAll(List.of("max", "errors", "error %", "errors by outcome"));
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Object> entry : object(s, "latency")) {
      if (entry.getValue() instanceof JsonObject stats) {
        List<String> row = new ArrayList<>(List.of(entry.getKey(), num(stats.getValue("count")),
            num(stats.getValue("rate")), num(stats.getValue("mean"))));
        for (String p : PERCENTILES) {
          row.add(num(stats.getValue(p)));
        }
        row.addAll(List.of(num(stats.getValue("max")), num(stats.getValue("errors")),
            percent(stats.getValue("errorRate")), outcomes(object(stats, "errorsByOutcome"))));
        rows.add(row);
      }
    }
    return new Table("Latency (ms, from each request's intended start)", headers, rows);
  }

  private static String outcomes(JsonObject byOutcome) {
    List<String> parts = new ArrayList<>();
    byOutcome.forEach(e -> parts.add(e.getKey() + ": " + num(e.getValue())));
    return String.join(", ", parts);
  }

  static Table values(JsonObject s) {
    List<String> headers = new ArrayList<>(List.of("value", "unit", "count", "mean", "min"));
    headers.addAll(List.of(PERCENTILES));
    headers.add("max");
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Object> entry : object(s, "values")) {
      if (entry.getValue() instanceof JsonObject stats) {
        List<String> row = new ArrayList<>(List.of(entry.getKey(), text(stats, "unit"), num(stats.getValue("count")),
            num(stats.getValue("mean")), num(stats.getValue("min"))));
        for (String p : PERCENTILES) {
          row.add(num(stats.getValue(p)));
        }
        row.add(num(stats.getValue("max")));
        rows.add(row);
      }
    }
    return new Table("Values", headers, rows);
  }

  static Table stages(JsonObject s) {
    List<String> headers = List.of("stage", "seconds", "target/s", "count", "rate/s", "p50", "p90", "p99", "max",
        "errors", "error %");
    List<List<String>> rows = new ArrayList<>();
    for (Object item : array(s, "stages")) {
      if (item instanceof JsonObject stage) {
        JsonObject latency = object(stage, "latency");
        rows.add(List.of(text(stage, "label"), num(stage.getValue("seconds")), rates(stage),
            num(latency.getValue("count")), num(latency.getValue("rate")), num(latency.getValue("p50")),
            num(latency.getValue("p90")), num(latency.getValue("p99")), num(latency.getValue("max")),
            num(latency.getValue("errors")), percent(latency.getValue("errorRate"))));
      }
    }
    return new Table("Stages (latency in ms)", headers, rows);
  }

  /** Any object rendered generically: scalars as fields (nested keys dotted), arrays of objects as tables. */
  static Section generic(String title, JsonObject json) {
    Section section = new Section(title, new ArrayList<>(), new ArrayList<>());
    flatten("", json, section);
    return section;
  }

  private static void flatten(String prefix, JsonObject json, Section section) {
    for (Map.Entry<String, Object> entry : json) {
      String key = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof JsonObject nested) {
        flatten(key + ".", nested, section);
      } else if (value instanceof JsonArray array && !array.isEmpty() && array.stream().allMatch(JsonObject.class::isInstance)) {
        Set<String> columns = new LinkedHashSet<>();
        array.forEach(row -> columns.addAll(((JsonObject) row).fieldNames()));
        List<List<String>> rows = new ArrayList<>();
        for (Object row : array) {
          List<String> cells = new ArrayList<>();
          columns.forEach(column -> cells.add(num(((JsonObject) row).getValue(column))));
          rows.add(cells);
        }
        section.tables().add(new Table(key, new ArrayList<>(columns), rows));
      } else if (value instanceof JsonArray array) {
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(num(item)));
        section.fields().add(new String[] {key, String.join(", ", items)});
      } else {
        section.fields().add(new String[] {key, num(value)});
      }
    }
  }

  static Table thresholds(JsonArray results) {
    List<List<String>> rows = new ArrayList<>();
    for (Object item : results) {
      if (item instanceof JsonObject result) {
        Object actual = result.getValue("actual");
        String unit = result.getString("unit", "");
        rows.add(List.of(Boolean.TRUE.equals(result.getValue("passed")) ? PASS : FAIL, text(result, "expression"),
            actual == null ? "-" : num(actual) + (unit.isEmpty() || unit.equals("%") ? unit : " " + unit),
            result.getString("note", "")));
      }
    }
    return new Table("Thresholds", List.of("", "threshold", "actual", "note"), rows);
  }
}
