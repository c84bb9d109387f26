package io.genesis.perf;

import io.genesis.perf.cli.Args;
import io.genesis.perf.report.ConsoleReport;
import io.genesis.perf.report.HtmlReport;
import io.genesis.perf.report.ProgressLine;
import io.genesis.perf.report.Thresholds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;

/** What a scenario run prints and writes: progress, thresholds, console summary, JSON and HTML files. */
final class Report {
  private final Thresholds thresholds;
  private final String jsonFile;
  private final String htmlFile;
  private final ProgressLine progress;

  private Report(Thresholds thresholds, String jsonFile, String htmlFile, ProgressLine progress) {
    this.thresholds = thresholds;
    this.jsonFile = jsonFile;
    this.htmlFile = htmlFile;
    this.progress = progress;
  }

  /** Reads the report options; a bad threshold is an {@link IllegalArgumentException} before anything runs. */
  static Report read(Args args, PrintStream err) {
    boolean quiet = args.flag("--quiet");
    return new Report(Thresholds.parse(args.all("--threshold")), args.string("--json", null), args.string("--html", null),
        quiet ? null : new ProgressLine(err, System.console() != null && err == System.err));
  }

  void progress(JsonObject point) {
    if (progress != null) {
      progress.print(point);
    }
  }

  /** Evaluates thresholds, prints the summary, writes the files; completes with the exit code. */
  Future<Integer> finish(Vertx vertx, JsonObject summary, PrintStream out) {
    if (progress != null) {
      progress.finish();
    }
    thresholds.applyTo(summary);
    out.print(ConsoleReport.render(summary));
    Future<Void> json = jsonFile == null ? Future.succeededFuture()
        : vertx.fileSystem().writeFile(jsonFile, Buffer.buffer(summary.encodePrettily()));
    Future<Void> html = htmlFile == null ? Future.succeededFuture()
        : vertx.fileSystem().writeFile(htmlFile, Buffer.buffer(HtmlReport.render(summary)));
    return Future.all(json, html).map(written -> summary.getBoolean("passed", true) ? PerfMain.PASSED
        : PerfMain.THRESHOLD_BROKEN);
  }
}
