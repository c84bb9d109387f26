package io.genesis.perf;

import io.genesis.perf.cli.Args;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;

/** What a scenario run prints and writes: progress, thresholds, console summary, JSON and HTML files. */
final class Report {
  private final List<String> thresholds;
  private final String jsonFile;
  private final String htmlFile;
  private final boolean quiet;
  private final PrintStream err;

  private Report(List<String> thresholds, String jsonFile, String htmlFile, boolean quiet, PrintStream err) {
    this.thresholds = thresholds;
    this.jsonFile = jsonFile;
    this.htmlFile = htmlFile;
    this.quiet = quiet;
    this.err = err;
  }

  static Report read(Args args, PrintStream err) {
    return new Report(args.all("--threshold"), args.string("--json", null), args.string("--html", null),
        args.flag("--quiet"), err);
  }

  void progress(JsonObject point) {
    if (!quiet) {
      err.println(point.encode());
    }
  }

  /** Evaluates thresholds, prints the summary, writes the files; completes with the exit code. */
  Future<Integer> finish(Vertx vertx, JsonObject summary, PrintStream out) {
    out.println(summary.encodePrettily());
    Future<Void> json = jsonFile == null ? Future.succeededFuture()
        : vertx.fileSystem().writeFile(jsonFile, summary.toBuffer());
    return json.map(PerfMain.PASSED);
  }
}
