package io.genesis.perf;

import io.genesis.perf.cli.Args;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamArgs;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.genesis.perf.scenario.BaselineScenario;
import io.genesis.perf.scenario.ConnectionsScenario;
import io.genesis.perf.scenario.JourneyScenario;
import io.genesis.perf.scenario.StreamingScenario;
import io.genesis.perf.scenario.RunOptions;
import io.genesis.perf.scenario.Scenario;
import io.genesis.perf.scenario.SoakScenario;
import io.genesis.perf.scenario.SpikeScenario;
import io.genesis.perf.scenario.StressScenario;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.genesis.perf.report.BenchTable;
import io.genesis.perf.report.JfrTop;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code java -jar genesis-perf.jar COMMAND [OPTIONS]}: a load scenario against a target, or one of
 * the servers load is measured against ({@code ceiling}, {@code fake-upstream}). Exit codes: 0 the run
 * passed its thresholds, 99 a threshold broke (k6's code), 1 the run could not be done, 2 bad options.
 */
public final class PerfMain {
  public static final int PASSED = 0;
  public static final int FAILED = 1;
  public static final int USAGE_ERROR = 2;
  public static final int THRESHOLD_BROKEN = 99;
  static final Map<String, Supplier<Scenario>> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("baseline", BaselineScenario::new);
    SCENARIOS.put("stress", StressScenario::new);
    SCENARIOS.put("spike", SpikeScenario::new);
    SCENARIOS.put("soak", SoakScenario::new);
    SCENARIOS.put("journey", JourneyScenario::new);
    SCENARIOS.put("streaming", StreamingScenario::new);
    SCENARIOS.put("connections", ConnectionsScenario::new);
  }

  static final String USAGE = """
      Usage: java -jar genesis-perf.jar COMMAND [OPTIONS]

      Load scenarios (against loopback only; each stops by itself):
        baseline               the seeds' steady load: --rate 100 --duration 60s of the request mix
                               (--mix agents:20,session:20,history:30,message:30; also health, and
                               history-old: an older, never cached page of history, before=)
        stress                 a staircase --start-rate 100 --step 100 --step-duration 10s --max-rate 3000,
                               stopping at the first step whose p99 passes --p99-limit 100ms or whose
                               errors pass --error-limit 1%; reports the highest rate held
        spike                  --base-rate 100 for --before 20s, --spike-rate 1500 for --spike 20s,
                               then --after 20s at the base rate; reports each phase and the recovery
        soak                   --rate 50 --duration 10m in --window 1m windows; reports p99 and
                               memory drift (--server-pid)
        journey                user visits, --rate 5 per second for 60s: a token, the agents, a new session,
                               then --messages 3 times a streamed message and the history, then the sessions
                               (--think 0ms between steps, --list-sessions true|false)
        streaming              streamed replies, --vus 15 (the seeds' 15 conversations) for 30s, over
                               --transport sse|ws|openai (GENESIS's stateless /v1/chat/completions, model
                               --agent); time to first token (ttft), deltas, tokens per second;
                               --against upstream talks straight to an OpenAI-compatible server (--model NAME)
                               --reconnect-rate F (0 to 1, default 0; sse and ws): that share of the streams
                               is cut after a random number of deltas, resumed on a new connection (SSE:
                               Last-Event-ID, ws: a resume frame) and checked against done; resume latency
        connections            opens --held 1000 idle WebSockets (--transport ws) or SSE streams (sse, with a
                               slow model) at --open-rate 200/s, keeps --active 5 of them chatting for
                               --hold 60s (--ping 30s); reports held, failed, closed, server memory per
                               connection (--server-pid); takes no --rate, --vus or --duration

      """ + RunOptions.USAGE + """

      Servers:
        ceiling [--port 8081] [--pg-url URL] [--redis-url URL]
                               a bare Vert.x HTTP server to compare against: GET /plain, GET /json, POST /sse, GET /ws,
                               GET /db (one PostgreSQL row by a random key), POST /insert (one INSERT ... RETURNING),
                               GET /redis (one GET); the URLs default to GENESIS_PG_URL and GENESIS_REDIS_URL
                               (postgresql://postgres@127.0.0.1:5432/postgres, redis://127.0.0.1:6379); without
                               one, its routes answer 503; it fills schema perf_ceiling, emptying its inserts table
      """ + FakeUpstreamArgs.USAGE + """
        profile FILE.jfr [--threads vert.x-eventloop] [--package io.genesis] [--top 25]
                               where a JFR recording's CPU samples went: by thread group, the top methods
                               by self samples and by inclusive samples (the --package methods), as shares
                               of the samples of the --threads kept (Java 17's jfr has no view command)
        table DIR              the results table of docs/PERFORMANCE.md (Markdown) from the summaries
                               scripts/bench.sh wrote to DIR (NAME-genesis.json, NAME-ceiling.json, NAME-genesis.cmd)

      --help, -h               this help; COMMAND --help: the usage of one command

      Exit codes: 0 passed, 99 a --threshold broke, 1 the run failed, 2 bad options.
      """;

  private PerfMain() {}

  public static void main(String[] args) {
    String help = help(Arrays.asList(args));
    if (help != null) {
      System.out.print(help);
      return;
    }
    List<String> options = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "ceiling" -> ceiling(ceilingOptions(options));
      case "fake-upstream" -> fakeUpstream(fakeUpstreamOptions(options));
      case "table" -> table(options);
      case "profile" -> profile(options);
      default -> {
        if (!SCENARIOS.containsKey(args[0])) {
          fail("unknown command '" + args[0] + "'");
        }
        Vertx vertx = Vertx.vertx();
        runScenario(vertx, args[0], options, System.out, System.err)
            .onComplete(code -> vertx.close().onComplete(closed -> System.exit(code.result())));
      }
    }
  }

  /**
   * The help {@code args} ask for, or null: no arguments, {@code --help} or {@code -h} alone give the
   * whole usage; a known command followed anywhere by {@code --help} or {@code -h} gives that command's.
   */
  static String help(List<String> args) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
      return USAGE;
    }
    String command = args.get(0);
    if (!args.contains("--help") && !args.contains("-h")) {
      return null;
    }
    String head = "Usage: java -jar genesis-perf.jar " + command + " [OPTIONS]\n\n";
    if (SCENARIOS.containsKey(command)) {
      return head + section(command) + "\n" + RunOptions.USAGE;
    }
    return switch (command) {
      case "ceiling", "table", "profile" -> head + section(command);
      case "fake-upstream" -> head + FakeUpstreamArgs.USAGE;
      default -> null;
    };
  }

  /** The lines of {@link #USAGE} that describe {@code command}: its own line and those indented under it. */
  private static String section(String command) {
    StringBuilder section = new StringBuilder();
    boolean in = false;
    for (String line : USAGE.split("\n")) {
      if (line.startsWith("  " + command + " ") || line.equals("  " + command)) {
        in = true;
      } else if (in && !line.startsWith("   ")) {
        break;
      }
      if (in) {
        section.append(line).append('\n');
      }
    }
    return section.toString();
  }

  /** Runs scenario {@code name} with {@code options}, prints its report, and completes with the exit code. */
  public static Future<Integer> runScenario(Vertx vertx, String name, List<String> options, PrintStream out,
                                            PrintStream err) {
    Scenario.Prepared prepared;
    Report report;
    try {
      Args args = Args.parse(options, Set.of("--quiet", "--insecure"));
      prepared = SCENARIOS.get(name).get().prepare(vertx, args);
      report = Report.read(args, err);
      args.rejectUnused();
    } catch (IllegalArgumentException e) {
      err.println("perf: " + e.getMessage() + " (see --help)");
      return Future.succeededFuture(USAGE_ERROR);
    }
    return prepared.run(report::progress)
        .compose(summary -> report.finish(vertx, summary, out))
        .recover(e -> {
          err.println("perf: " + name + " failed: " + e.getMessage());
          return Future.succeededFuture(FAILED);
        });
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

  /** Reads the summaries on the main thread (no event loop here) and prints the table. */
  private static void table(List<String> options) {
    if (options.size() != 1) {
      fail("table takes one directory");
    }
    Map<String, JsonObject> summaries = new TreeMap<>();
    Map<String, String> commands = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(Path.of(options.get(0)))) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
          summaries.put(name.substring(0, name.length() - 5), new JsonObject(Files.readString(file)));
        } else if (name.endsWith("-genesis.cmd")) {
          commands.put(name.substring(0, name.length() - 12), Files.readString(file));
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("perf: cannot read the summaries in " + options.get(0) + ": " + e.getMessage());
      System.exit(FAILED);
    }
    System.out.print(BenchTable.render(summaries, commands));
  }

  /** Reads a JFR recording on the main thread (no event loop here) and prints where its CPU samples went. */
  private static void profile(List<String> options) {
    if (options.isEmpty() || options.size() % 2 == 0) {
      fail("profile takes a .jfr file, then options in pairs");
    }
    Map<String, String> flags = new LinkedHashMap<>(Map.of("--threads", "vert.x-eventloop", "--package", "io.genesis", "--top", "25"));
    for (int i = 1; i < options.size(); i += 2) {
      if (!flags.containsKey(options.get(i))) {
        fail("profile: unknown option '" + options.get(i) + "'");
      }
      flags.put(options.get(i), options.get(i + 1));
    }
    int top;
    try {
      top = Integer.parseInt(flags.get("--top"));
    } catch (NumberFormatException e) {
      fail("profile: --top must be a number");
      return;
    }
    try {
      System.out.print(JfrTop.read(Path.of(options.get(0)), flags.get("--threads")).render(top, flags.get("--package")));
    } catch (IOException | RuntimeException e) {
      System.err.println("perf: cannot read the recording " + options.get(0) + ": " + e.getMessage());
      System.exit(FAILED);
    }
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
    System.exit(USAGE_ERROR);
  }
}
