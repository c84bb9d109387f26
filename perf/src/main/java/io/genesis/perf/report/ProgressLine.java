package io.genesis.perf.report;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The once-a-second progress of a run, on one line:
 * {@code [ 12s/60s] 99.0/s (target 100/s)  p99 3.2 ms  errors 0  in flight 2  dropped 0  late 0}.
 * On a terminal the line is rewritten in place ({@code \r}); otherwise (a log, a pipe) a full line is
 * printed every {@value #EVERY_SECONDS} seconds. Feed it the points of {@code LoadRunner.onProgress}.
 */
public final class ProgressLine {
  static final int EVERY_SECONDS = 5;
  private final PrintStream out;
  private final boolean interactive;
  private int lastLength;

  public ProgressLine(PrintStream out, boolean interactive) {
    this.out = out;
    this.interactive = interactive;
  }

  /** To standard error, rewriting in place when there is a console. */
  public static ProgressLine toStderr() {
    return new ProgressLine(System.err, System.console() != null);
  }

  /** One progress point (a timeline point plus seconds, p99SoFar, errorsSoFar, dropped, late) as a line. */
  public static String format(JsonObject point) {
    long t = Math.round(SummaryView.number(point, "t"));
    double planned = SummaryView.number(point, "seconds");
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%3ds/%ss] %.1f/s", t,
        Double.isNaN(planned) ? "?" : SummaryView.num(Math.ceil(planned)), (double) SummaryView.count(point, "completed")));
    if (point.getValue("targetRate") instanceof Number target) {
      line.append(" (target ").append(SummaryView.num(target)).append("/s)");
    }
    Object p99 = point.getValue("p99SoFar");
    line.append("  p99 ").append(p99 instanceof Number ? SummaryView.num(p99) + " ms" : "-")
        .append("  errors ").append(SummaryView.count(point, "errorsSoFar"))
        .append("  in flight ").append(SummaryView.count(point, "inFlight"))
        .append("  dropped ").append(SummaryView.count(point, "dropped"))
        .append("  late ").append(SummaryView.count(point, "late"));
    if (point.getValue("serverRssMb") instanceof Number rss) {
      line.append("  server RSS ").append(SummaryView.num(rss)).append(" MB");
    }
    return line.toString();
  }

  /** Shows {@code point}: in place on a terminal, else a full line every few seconds. */
  public synchronized void print(JsonObject point) {
    String line = format(point);
    if (interactive) {
      out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else if (Math.round(SummaryView.number(point, "t")) % EVERY_SECONDS == 0) {
      out.println(line);
    }
    out.flush();
  }

  /** Ends a line rewritten in place, so what follows starts on a fresh line. */
  public synchronized void finish() {
    if (interactive && lastLength > 0) {
      out.println();
      out.flush();
      lastLength = 0;
    }
  }
}
