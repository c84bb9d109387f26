package io.genesis.perf.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * The run summary as one self-contained HTML page: inline CSS and inline SVG charts, no script, font,
 * style sheet or image fetched from anywhere, every text escaped. It shows the same figures as
 * {@link ConsoleReport} plus latency, throughput, in-flight and (with {@code --server-pid}) server
 * memory over time. The markup is also well-formed XML (void elements self-closed).
 */
public final class HtmlReport {
  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2329;margin:24px auto;max-width:1100px;padding:0 16px}
      h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d9dee3;padding-bottom:4px}
      h3{font-size:14px;margin:16px 0 6px}
      table{border-collapse:collapse;margin:4px 0 12px}th,td{padding:3px 10px;border-bottom:1px solid #e6e9ec;text-align:left;vertical-align:top}
      th{background:#f3f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
      table.kv th{background:none;color:#57606a;font-weight:500}
      .badge{display:inline-block;padding:2px 10px;border-radius:4px;font-size:14px;color:#fff;vertical-align:middle}
      .pass{background:#1a7f37}.fail{background:#cf222e}.none{background:#6e7781}
      .ok{color:#1a7f37;font-weight:700}.ko{color:#cf222e;font-weight:700}
      .warning{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:4px;margin:12px 0}
      svg.chart{width:100%;height:auto;margin:8px 0 16px;background:#fff}
      svg .grid{stroke:#e6e9ec}svg .tickmark,svg .axis{stroke:#57606a;fill:none}
      svg text{font:12px system-ui,sans-serif;fill:#57606a;stroke:none}svg text.title{font-weight:600;font-size:14px;fill:#1d2329}
      svg text.axis{fill:#1d2329}svg text.legend{fill:#1d2329}
      pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:12px}footer{color:#6e7781;font-size:12px;margin-top:32px}
      """;

  private HtmlReport() {}

  public static String render(JsonObject summary) {
    StringBuilder html = new StringBuilder();
    String scenario = SummaryView.text(summary, "scenario");
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>GENESIS perf: ").append(escape(scenario)).append(' ')
        .append(escape(SummaryView.text(summary, "startedAt"))).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    String verdict = SummaryView.verdict(summary);
    html.append("<h1>GENESIS perf: ").append(escape(scenario)).append(" <span class=\"badge ")
        .append(verdict == null ? "none\">NO THRESHOLDS" : verdict.equals("PASSED") ? "pass\">PASSED" : "fail\">FAILED")
        .append("</span></h1>\n<table class=\"kv\">\n");
    for (String[] line : SummaryView.overview(summary)) {
      html.append("<tr><th>").append(escape(line[0])).append("</th><td>").append(escape(line[1])).append("</td></tr>\n");
    }
    html.append("</table>\n");
    for (String warning : SummaryView.warnings(summary)) {
      html.append("<div class=\"warning\">").append(escape(warning)).append("</div>\n");
    }
    JsonArray thresholds = SummaryView.array(summary, "thresholds");
    if (!thresholds.isEmpty()) {
      html.append("<h2>Thresholds</h2>\n");
      table(html, SummaryView.thresholds(thresholds));
    }
    section(html, SummaryView.latency(summary));
    charts(html, SummaryView.array(summary, "timeline"));
    section(html, SummaryView.values(summary));
    section(html, SummaryView.stages(summary));
    generic(html, SummaryView.generic("Figures", SummaryView.object(summary, "figures")));
    generic(html, SummaryView.generic("Result", SummaryView.object(summary, "result")));
    JsonObject raw = summary.copy();
    raw.remove("timeline");
    html.append("<h2>Summary JSON</h2>\n<details><summary>the summary as written by --json, without the timeline</summary>\n<pre>")
        .append(escape(raw.encodePrettily())).append("</pre></details>\n");
    html.append("<footer>genesis-perf, ").append(escape(scenario)).append(", ")
        .append(escape(SummaryView.text(summary, "startedAt"))).append("</footer>\n</body>\n</html>\n");
    return html.toString();
  }

  /** Text safe inside HTML elements and double- or single-quoted attributes. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('\ufffd');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static void section(StringBuilder html, Table table) {
    if (!table.isEmpty()) {
      html.append("<h2>").append(escape(table.title())).append("</h2>\n");
      table(html, table);
    }
  }

  private static void generic(StringBuilder html, SummaryView.Section section) {
    if (section.isEmpty()) {
      return;
    }
    html.append("<h2>").append(escape(section.title())).append("</h2>\n");
    if (!section.fields().isEmpty()) {
      html.append("<table class=\"kv\">\n");
      for (String[] field : section.fields()) {
        html.append("<tr><th>").append(escape(field[0])).append("</th><td>").append(escape(field[1])).append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    for (Table table : section.tables()) {
      html.append("<h3>").append(escape(table.title())).append("</h3>\n");
      table(html, table);
    }
  }

  private static void table(StringBuilder html, Table table) {
    html.append("<table>\n<tr>");
    for (String header : table.headers()) {
      html.append("<th>").append(escape(header)).append("</th>");
    }
    html.append("</tr>\n");
    boolean[] numeric = new boolean[table.headers().size()];
    for (int c = 1; c < numeric.length; c++) {
      numeric[c] = table.numeric(c);
    }
    for (List<String> row : table.rows()) {
      html.append("<tr>");
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        String cls = cell.equals(SummaryView.PASS) ? " class=\"ok\"" : cell.equals(SummaryView.FAIL) ? " class=\"ko\""
            : numeric[c] ? " class=\"n\"" : "";
        html.append("<td").append(cls).append('>').append(escape(cell)).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  private static void charts(StringBuilder html, JsonArray timeline) {
    List<JsonObject> points = timeline.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
    if (points.isEmpty()) {
      return;
    }
    double[] t = points.stream().mapToDouble(p -> SummaryView.number(p, "t")).toArray();
    html.append("<h2>Over time</h2>\n");
    Double[] p50 = column(points, "p50");
    Double[] max = column(points, "max");
    double low = Double.MAX_VALUE;
    double high = 0;
    for (int i = 0; i < p50.length; i++) {
      low = p50[i] != null && p50[i] > 0 ? Math.min(low, p50[i]) : low;
      high = max[i] != null ? Math.max(high, max[i]) : high;
    }
    html.append(new SvgChart("Latency per second (by completion time)", "seconds since the measurement started", "ms")
        .logY(high / low > 50)
        .series("p50", "#1f77b4", false, t, p50).series("p90", "#2ca02c", false, t, column(points, "p90"))
        .series("p99", "#ff7f0e", false, t, column(points, "p99")).series("max", "#d62728", false, t, max).render());
    SvgChart throughput = new SvgChart("Throughput per second", "seconds since the measurement started", "requests per second")
        .series("completed", "#1f77b4", false, t, column(points, "completed"));
    if (points.stream().anyMatch(p -> p.getValue("targetRate") != null)) {
      throughput.series("target", "#6e7781", true, t, column(points, "targetRate"));
    }
    html.append(throughput.series("errors", "#d62728", false, t, column(points, "errors")).render());
    html.append(new SvgChart("Requests in flight", "seconds since the measurement started", "in flight")
        .series("in flight", "#8250df", false, t, column(points, "inFlight")).render());
    if (points.stream().anyMatch(p -> p.getValue("serverRssMb") != null)) {
      html.append(new SvgChart("Server resident memory", "seconds since the measurement started", "MB").fromZero(false)
          .series("RSS", "#8c564b", false, t, column(points, "serverRssMb")).render());
    }
  }

  private static Double[] column(List<JsonObject> points, String key) {
    Function<JsonObject, Double> read = p -> p.getValue(key) instanceof Number n ? n.doubleValue() : null;
    return points.stream().map(read).toArray(Double[]::new);
  }
}
