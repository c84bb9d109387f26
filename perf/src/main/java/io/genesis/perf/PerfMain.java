package io.genesis.perf;

import io.genesis.perf.streaming.StreamingOptions;
import io.genesis.perf.streaming.StreamingRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;

/**
 * {@code java -jar genesis-perf.jar SCENARIO --target URL …}. This first version ships the
 * {@code ceiling} server; the load scenarios and the fake upstream arrive with the perf issue.
 */
public final class PerfMain {
  static final String USAGE = """
      Usage: java -jar genesis-perf.jar COMMAND [OPTIONS]

      Commands:
        ceiling [--port P]     a bare Vert.x HTTP server (GET /plain, GET /json) to compare against
        streaming --target URL [--mode gateway|upstream] [--requests 1000] [--warmup 100]
                  [--concurrency 10] [--agent volt] [--message TEXT] [--model NAME] [--max-seconds 300] [--json FILE]
                               time to first token and to the whole reply, streamed (SSE), closed model;
                               mode upstream talks straight to an OpenAI-compatible server
        --help, -h             this help

      Load scenarios (baseline, stress, spike, soak, journey, streaming, connections) and
      fake-upstream are not built yet.
      """;

  private PerfMain() {}

  public static void main(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      return;
    }
    if (args[0].equals("streaming")) {
      streaming(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (!args[0].equals("ceiling")) {
      fail("unknown command '" + args[0] + "'");
    }
    int port = parsePort(Arrays.copyOfRange(args, 1, args.length));
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(CeilingServer::new, new io.vertx.core.DeploymentOptions()
            .setInstances(Runtime.getRuntime().availableProcessors())
            .setConfig(new io.vertx.core.json.JsonObject().put("port", port)))
        .onSuccess(id -> System.out.println("ceiling listening on http://127.0.0.1:" + port))
        .onFailure(e -> {
          System.err.println("perf: ceiling failed to start: " + e.getMessage());
          vertx.close();
        });
  }

  private static void streaming(String[] options) {
    StreamingOptions parsed;
    try {
      parsed = StreamingOptions.parse(options);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    Vertx vertx = Vertx.vertx();
    new StreamingRun(vertx, parsed).run()
        .compose(summary -> parsed.jsonFile() == null ? Future.succeededFuture(summary)
            : vertx.fileSystem().writeFile(parsed.jsonFile(), summary.toBuffer()).map(summary))
        .onComplete(result -> {
          if (result.succeeded()) {
            System.out.println(result.result().encodePrettily());
          } else {
            System.err.println("perf: streaming failed: " + result.cause().getMessage());
          }
          vertx.close().onComplete(closed -> System.exit(result.succeeded() ? 0 : 1));
        });
  }

  private static int parsePort(String[] options) {
    int port = 8081;
    for (int i = 0; i < options.length; i++) {
      if (options[i].equals("--port") && i + 1 < options.length) {
        try {
          port = Integer.parseInt(options[++i]);
        } catch (NumberFormatException e) {
          fail("--port must be a number, got '" + options[i] + "'");
        }
      } else {
        fail("unknown option '" + options[i] + "'");
      }
    }
    return port;
  }

  private static void fail(String message) {
    System.err.println("perf: " + message + " (see --help)");
    System.exit(2);
  }
}
