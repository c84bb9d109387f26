package io.genesis.perf.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The end-of-run summary as plain text for a terminal: the run's figures, a WARNING when the load
 * generator could not keep its schedule, latency per request name, values, stages, the scenario's
 * result and figures, and the thresholds with their verdict.
 */
public final class ConsoleReport {
  private static final String INDENT = "  ";

  private ConsoleReport() {}

  public static String render(JsonObject summary) {
    StringBuilder out = new StringBuilder();
    out.append("GENESIS perf: ").append(SummaryView.text(summary, "scenario")).append('\n');
    List<String[]> overview = SummaryView.overview(summary);
    int width = overview.stream().mapToInt(line -> line[0].length()).max().orElse(0);
    for (String[] line : overview.subList(1, overview.size())) {
      out.append(INDENT).append(line[0]).append(" ".repeat(width - line[0].length() + 2)).append(line[1]).append('\n');
    }
    for (String warning : SummaryView.warnings(summary)) {
      out.append('\n').append(warning).append('\n');
    }
    table(out, SummaryView.latency(summary));
    table(out, SummaryView.values(summary));
    table(out, SummaryView.stages(summary));
    section(out, SummaryView.generic("Figures", SummaryView.object(summary, "figures")));
    section(out, SummaryView.generic("Result", SummaryView.object(summary, "result")));
    JsonArray thresholds = SummaryView.array(summary, "thresholds");
    table(out, SummaryView.thresholds(thresholds));
    String verdict = SummaryView.verdict(summary);
    if (verdict != null) {
      long failed = thresholds.stream().filter(t -> t instanceof JsonObject o && !Boolean.TRUE.equals(o.getValue("passed"))).count();
      out.append('\n').append(verdict);
      if (!thresholds.isEmpty()) {
        out.append(": ").append(thresholds.size() - failed).append(" of ").append(thresholds.size()).append(" thresholds passed");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void table(StringBuilder out, Table table) {
    if (!table.isEmpty()) {
      out.append('\n').append(table.title()).append('\n').append(table.ascii(INDENT));
    }
  }

  private static void section(StringBuilder out, SummaryView.Section section) {
    if (section.isEmpty()) {
      return;
    }
    out.append('\n').append(section.title()).append('\n');
    int width = section.fields().stream().mapToInt(field -> field[0].length()).max().orElse(0);
    for (String[] field : section.fields()) {
      out.append(INDENT).append(field[0]).append(" ".repeat(width - field[0].length() + 2)).append(field[1]).append('\n');
    }
    for (Table table : section.tables()) {
      out.append(INDENT).append(table.title()).append('\n').append(table.ascii(INDENT + INDENT));
    }
  }
}
