package io.genesis.perf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG (no script, no external reference): a title, a legend, x and y axes with
 * labelled ticks and grid lines, a linear or logarithmic y axis, and one polyline per series; a missing
 * point ({@code null}) breaks its line. All text is escaped.
 */
final class SvgChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 300;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 48;

  private record Series(String name, String color, boolean dashed, double[] xs, Double[] ys) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private boolean log;
  private boolean fromZero = true;

  SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgChart logY(boolean log) {
    this.log = log;
    return this;
  }

  /** Whether a linear y axis starts at 0 (the default) or just below the lowest value, to show drift. */
  SvgChart fromZero(boolean fromZero) {
    this.fromZero = fromZero;
    return this;
  }

  /** A series: {@code ys[i]} at {@code xs[i]}, null where there is no value. */
  SvgChart series(String name, String color, boolean dashed, double[] xs, Double[] ys) {
    series.add(new Series(name, color, dashed, xs, ys));
    return this;
  }

  String render() {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.xs().length; i++) {
        Double y = s.ys()[i];
        if (y != null && Double.isFinite(y) && (!log || y > 0)) {
          xMin = Math.min(xMin, s.xs()[i]);
          xMax = Math.max(xMax, s.xs()[i]);
          yMin = Math.min(yMin, y);
          yMax = Math.max(yMax, y);
        }
      }
    }
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"").append(HtmlReport.escape(title)).append("\">\n");
    text(svg, LEFT, 18, "start", "title", title);
    legend(svg);
    if (xMin > xMax) {
      text(svg, WIDTH / 2.0, HEIGHT / 2.0, "middle", "axis", "no data");
      return svg.append("</svg>\n").toString();
    }
    if (xMin == xMax) {
      xMax = xMin + 1;
    }
    double[] xTicks = linearTicks(Math.min(0, xMin), xMax, 8);
    double x0 = xTicks[0];
    double x1 = xTicks[xTicks.length - 1];
    double[] yTicks = log ? logTicks(yMin, yMax) : linearTicks(fromZero ? Math.min(0, yMin) : yMin, yMax, 5);
    double y0 = yTicks[0];
    double y1 = yTicks[yTicks.length - 1];
    Scale sx = v -> LEFT + (v - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
    Scale sy = log ? v -> HEIGHT - BOTTOM - (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) * (HEIGHT - TOP - BOTTOM)
        : v -> HEIGHT - BOTTOM - (v - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
    for (double tick : yTicks) {
      double y = sy.at(tick);
      svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
          LEFT, y, WIDTH - RIGHT, y));
      text(svg, LEFT - 6, y + 4, "end", "tick", SummaryView.num(tick));
    }
    for (double tick : xTicks) {
      double x = sx.at(tick);
      svg.append(String.format(Locale.ROOT, "<line class=\"tickmark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
          x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 5));
      text(svg, x, HEIGHT - BOTTOM + 18, "middle", "tick", SummaryView.num(tick));
    }
    svg.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%d %d V%d H%d\"/>\n",
        LEFT, TOP - 4, HEIGHT - BOTTOM, WIDTH - RIGHT));
    text(svg, LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 8, "middle", "axis", xLabel);
    svg.append(String.format(Locale.ROOT, "<text class=\"axis\" text-anchor=\"middle\" transform=\"translate(16 %.1f) rotate(-90)\">%s</text>\n",
        TOP + (HEIGHT - TOP - BOTTOM) / 2.0, HtmlReport.escape(yLabel + (log ? " (log scale)" : ""))));
    for (Series s : series) {
      lines(svg, s, sx, sy);
    }
    return svg.append("</svg>\n").toString();
  }

  private interface Scale {
    double at(double value);
  }

  private void legend(StringBuilder svg) {
    double x = WIDTH - RIGHT;
    for (int i = series.size() - 1; i >= 0; i--) {
      Series s = series.get(i);
      x -= 34 + 7 * s.name().length();
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\" stroke=\"%s\" stroke-width=\"3\"%s/>\n",
          x, x + 20, HtmlReport.escape(s.color()), s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
      text(svg, x + 24, 18, "start", "legend", s.name());
    }
  }

  private void lines(StringBuilder svg, Series s, Scale sx, Scale sy) {
    List<String> segment = new ArrayList<>();
    for (int i = 0; i <= s.xs().length; i++) {
      Double y = i < s.xs().length ? s.ys()[i] : null;
      if (y != null && Double.isFinite(y) && (!log || y > 0)) {
        segment.add(String.format(Locale.ROOT, "%.1f,%.1f", sx.at(s.xs()[i]), sy.at(y)));
        continue;
      }
      if (segment.size() == 1) {
        String[] xy = segment.get(0).split(",");
        svg.append(String.format("<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>\n", xy[0], xy[1],
            HtmlReport.escape(s.color())));
      } else if (segment.size() > 1) {
        svg.append("<polyline fill=\"none\" stroke=\"").append(HtmlReport.escape(s.color()))
            .append("\" stroke-width=\"1.6\"").append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "")
            .append(" points=\"").append(String.join(" ", segment)).append("\"/>\n");
      }
      segment.clear();
    }
  }

  private static void text(StringBuilder svg, double x, double y, String anchor, String cls, String text) {
    svg.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
        cls, x, y, anchor, HtmlReport.escape(text)));
  }

  /** About {@code count} round steps (1, 2 or 5 times a power of ten) from at most {@code min} to at least {@code max}. */
  static double[] linearTicks(double min, double max, int count) {
    if (max <= min) {
      max = min + 1;
    }
    double raw = (max - min) / count;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double n = raw / magnitude;
    double step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
    double first = Math.floor(min / step) * step;
    int steps = (int) Math.ceil((max - first) / step - 1e-9);
    double[] ticks = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      ticks[i] = new java.math.BigDecimal(first + i * step)
          .setScale(Math.max(0, 1 - (int) Math.floor(Math.log10(step))), java.math.RoundingMode.HALF_UP).doubleValue();
    }
    return ticks;
  }

  /** Powers of ten around [min, max], with 2 and 5 between them when the range spans few decades. */
  static double[] logTicks(double min, double max) {
    int low = (int) Math.floor(Math.log10(min));
    int high = Math.max(low + 1, (int) Math.ceil(Math.log10(max)));
    boolean fine = high - low <= 2;
    List<Double> ticks = new ArrayList<>();
    for (int e = low; e <= high; e++) {
      double decade = Double.parseDouble("1e" + e);
      ticks.add(decade);
      if (fine && e < high) {
        ticks.add(2 * decade);
        ticks.add(5 * decade);
      }
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
