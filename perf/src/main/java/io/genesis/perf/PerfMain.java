package io.genesis.perf;

import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamArgs;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.genesis.perf.streaming.StreamingOptions;
import io.genesis.perf.streaming.StreamingRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar genesis-perf.jar SCENARIO --target URL …}. This version ships the {@code ceiling}
 * server and the {@code fake-upstream} model server; the load scenarios arrive with the perf issue.
 */
public final class PerfMain {
  static final String USAGE = """
      Usage: java -jar genesis-perf.jar COMMAND [OPTIONS]

      Commands:
        ceiling [--port 8081] [--pg-url URL] [--redis-url URL]
                               a bare Vert.x HTTP server to compare against: GET /plain, GET /json, POST /sse,
                               GET /db (one PostgreSQL row by a random key), POST /insert (one INSERT ... RETURNING),
                               GET /redis (one GET); the URLs default to GENESIS_PG_URL and GENESIS_REDIS_URL
                               (postgresql://postgres@127.0.0.1:5432/postgres, redis://127.0.0.1:6379); without
                               one, its routes answer 503; it fills schema perf_ceiling, emptying its inserts table
      """ + FakeUpstreamArgs.USAGE + """
        streaming --target URL [--mode gateway|upstream|ceiling] [--requests 1000] [--warmup 100]
                  [--concurrency 10] [--agent volt] [--message TEXT] [--model NAME] [--max-seconds 300] [--json FILE]
                               time to first token and to the whole reply, streamed (SSE), closed model;
                               mode upstream talks straight to an OpenAI-compatible server,
                               mode ceiling to the ceiling server's bare SSE route (for ratios)
        --help, -h             this help

      Load scenarios (baseline, stress, spike, soak, journey, connections) are not built yet.
      """;

  private PerfMain() {}

  public static void main(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      return;
    }
    List<String> options = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "ceiling" -> ceiling(ceilingOptions(options));
      case "fake-upstream" -> fakeUpstream(fakeUpstreamOptions(options));
      case "streaming" -> streaming(options.toArray(String[]::new));
      default -> fail("unknown command '" + args[0] + "'");
    }
  }

  private static void ceiling(CeilingOptions options) {
    Vertx vertx = Vertx.vertx();
    CeilingServer.start(vertx, options, Runtime.getRuntime().availableProcessors())
        .onSuccess(started -> {
          System.out.println("ceiling backends: " + options.describeBackends());
          System.out.println("ceiling listening on http://127.0.0.1:" + started.port());
        })
        .onFailure(e -> {
          System.err.println("perf: ceiling failed to start: " + e.getMessage());
          vertx.close().onComplete(closed -> System.exit(1));
        });
  }

  private static CeilingOptions ceilingOptions(List<String> options) {
    try {
      return CeilingOptions.parse(options, System.getenv());
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      throw e;
    }
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

  private static void fakeUpstream(FakeUpstreamOptions options) {
    Vertx vertx = Vertx.vertx();
    FakeUpstream.start(vertx, options)
        .onSuccess(fake -> System.out.println("fake upstream listening on " + fake.baseUrl()))
        .onFailure(e -> {
          System.err.println("perf: fake-upstream failed to start: " + e.getMessage());
          vertx.close().onComplete(closed -> System.exit(1));
        });
  }

  private static FakeUpstreamOptions fakeUpstreamOptions(List<String> options) {
    try {
      return FakeUpstreamArgs.parse(options);
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      throw e;
    }
  }

  private static void fail(String message) {
    System.err.println("perf: " + message + " (see --help)");
    System.exit(2);
  }
}
