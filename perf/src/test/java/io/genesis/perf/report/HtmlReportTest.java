package io.genesis.perf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
  private static final String HOSTILE_TARGET = "http://127.0.0.1:8080/<script>alert('x')</script>";

  /** Parses the page as XML: it must be well-formed (balanced tags, escaped text). */
  private static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  private static String texts(Element element) {
    return element.getTextContent();
  }

  @Test
  @DisplayName("one well-formed page with the figures, four charts with axes and legends")
  void wellFormed() throws Exception {
    JsonObject summary = Thresholds.parse(List.of("p99<50ms", "errors<0.01%")).applyTo(Summaries.baseline());
    String html = HtmlReport.render(summary);
    assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
    assertTrue(html.stripTrailing().endsWith("</html>"));
    Document doc = parse(html);
    NodeList svgs = doc.getElementsByTagName("svg");
    assertEquals(4, svgs.getLength(), "latency, throughput, in flight, server RSS");
    String latency = texts((Element) svgs.item(0));
    for (String expected : List.of("Latency per second", "p50", "p90", "p99", "max", "seconds since the measurement started",
        "ms (log scale)")) {
      assertTrue(latency.contains(expected), () -> "latency chart lacks " + expected + ": " + latency);
    }
    String throughput = texts((Element) svgs.item(1));
    assertTrue(throughput.contains("completed") && throughput.contains("target") && throughput.contains("errors"), throughput);
    assertTrue(texts((Element) svgs.item(3)).contains("MB"));
    for (int i = 0; i < svgs.getLength(); i++) {
      Element svg = (Element) svgs.item(i);
      assertTrue(svg.getElementsByTagName("polyline").getLength() > 0, "chart " + i + " draws lines");
      assertTrue(svg.getElementsByTagName("text").getLength() > 8, "chart " + i + " has labelled ticks");
    }
    String body = doc.getDocumentElement().getTextContent();
    for (String expected : List.of("FAILED", "baseline", "Thresholds", "p99<50ms", "errors<0.01%", "429: 1, timeout: 1",
        "tokensPerSecond", "highestRateHeld", "steps", "Stages", "open, 100/s for 60 s")) {
      assertTrue(body.contains(expected), () -> "page lacks " + expected);
    }
    assertTrue(html.contains("<td class=\"ok\">\u2713</td><td>p99&lt;50ms</td>"), "thresholds escaped and marked");
    assertFalse(html.contains("WARNING"));
  }

  @Test
  @DisplayName("self-contained: no script, no external style, font or image, no http but the target's own text")
  void selfContained() {
    String html = HtmlReport.render(Summaries.baseline());
    String lower = html.toLowerCase(Locale.ROOT);
    for (String banned : List.of("<script", "<link", "src=", "href=", "url(", "@import", "xmlns")) {
      assertFalse(lower.contains(banned), banned);
    }
    assertTrue(html.contains("http://127.0.0.1:8080"));
    assertFalse(html.replace("http://127.0.0.1:8080", "").contains("http"), "the only http is the target's text");
  }

  @Test
  @DisplayName("a hostile target and error outcome are escaped, never markup")
  void escapes() throws Exception {
    JsonObject summary = Summaries.baseline().put("target", HOSTILE_TARGET).put("scenario", "a&b \"quoted\"");
    summary.getJsonObject("latency").getJsonObject("all").getJsonObject("errorsByOutcome").put("<img src=x onerror=alert(1)>", 3);
    summary.getJsonObject("result").put("<b>note</b>", "</td></table><script>x()</script>");
    summary.put("failedIterations", new JsonObject().put("count", 1).put("first", "<iframe>"));
    String html = HtmlReport.render(summary);
    String lower = html.toLowerCase(Locale.ROOT);
    for (String raw : List.of("<script", "<img", "<iframe", "<b>", "a&b")) {
      assertFalse(lower.contains(raw), raw);
    }
    assertTrue(html.contains("http://127.0.0.1:8080/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;: 3"));
    Document doc = parse(html);
    assertTrue(doc.getDocumentElement().getTextContent().contains(HOSTILE_TARGET));
    assertFalse(HtmlReport.escape(HOSTILE_TARGET).contains("<"));
    String withoutTarget = html.replace(HtmlReport.escape(HOSTILE_TARGET), "");
    assertFalse(withoutTarget.contains("http"), "no http reference besides the target's text");
  }

  @Test
  @DisplayName("warnings show; a run without timeline, thresholds or server still renders")
  void sparse() throws Exception {
    JsonObject summary = Summaries.closed().put("dropped", 3);
    summary.remove("timeline");
    summary.remove("server");
    String html = HtmlReport.render(summary);
    parse(html);
    assertFalse(html.contains("<svg"));
    assertTrue(html.contains("<div class=\"warning\">WARNING: the load generator could not keep the schedule"));
    assertTrue(html.contains("NO THRESHOLDS"));
    assertFalse(html.contains("PASSED"));
  }

  @Test
  @DisplayName("a timeline without RSS has three charts, and a gap where nothing completed")
  void threeCharts() throws Exception {
    JsonObject summary = Summaries.baseline();
    summary.getJsonArray("timeline").forEach(p -> ((JsonObject) p).remove("serverRssMb"));
    Document doc = parse(HtmlReport.render(summary));
    assertEquals(3, doc.getElementsByTagName("svg").getLength());
    Element latency = (Element) doc.getElementsByTagName("svg").item(0);
    assertEquals(8, latency.getElementsByTagName("polyline").getLength(), "4 series, each broken at t=30");
  }

  @Test
  @DisplayName("ticks are round numbers; log ticks are powers of ten")
  void ticks() {
    assertEquals(List.of(0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0), box(SvgChart.linearTicks(0, 60, 8)));
    assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), box(SvgChart.linearTicks(0, 901, 5)));
    assertEquals(List.of(500.0, 510.0, 520.0, 530.0, 540.0), box(SvgChart.linearTicks(500.5, 531, 5)));
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), box(SvgChart.linearTicks(0, 1, 5)));
    assertEquals(List.of(1.0, 10.0, 100.0, 1000.0), box(SvgChart.logTicks(3, 900)));
    assertEquals(List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0), box(SvgChart.logTicks(2, 60)));
  }

  private static List<Double> box(double[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
