package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Schedule;
import java.net.URI;
import java.time.Duration;

/**
 * Options every load scenario reads. The load model: {@code --rate R --duration D} (open, constant),
 * {@code --stages 30s:100,60s:1000 [--start-rate R]} (open, ramping), or {@code --vus N [--duration D]
 * [--iterations N]} (closed); each scenario brings its own default.
 */
public record RunOptions(URI target, Against against, Duration timeout, int connections, int maxInFlight,
                         Duration lateTolerance, Duration warmup, int users, long seed, String token, Long serverPid,
                         boolean quiet, ClientTls tls) {
  public static final String USAGE = """
      Options of every load scenario:
        --target URL           the server, http:// or https:// (any host: aim it only at servers you may load),
                               e.g. http://127.0.0.1:8080 or https://staging.example.com
        --ca-file FILE         https: trust only certificates signed by this PEM CA file (a staging CA,
                               or a self-signed certificate itself) instead of the JVM's default CAs
        --insecure             https: accept any certificate and host name (encrypted, not authenticated)
        --against genesis|ceiling
                               what the target is: GENESIS's API, or perf's ceiling server (same load shape,
                               nothing behind it: the ratio's denominator)
        --rate R --duration D  open model: R requests (iterations) per second for D, timed from when each was due
        --stages 30s:100,60s:1000,30s:0 [--start-rate R]
                               open model, ramping linearly from stage to stage (a 0s stage jumps)
        --vus N [--duration D] [--iterations N]
                               closed model instead: N users, each sending when its last answer came
        --warmup D             load before measuring (default 5s; not recorded)
        --timeout D            per request, idle time (default 30s)
        --connections N        connection pool (default 1024); --max-in-flight N (default 10000):
                               beyond it a due request is dropped and counted, never silently delayed
        --late-tolerance D     a request sent later than this after it was due counts as late (default 10ms)
        --users N              distinct users (tokens and sessions) set up before the run (default 100)
        --token JWT            use this token for every user instead of minting development tokens
        --server-pid PID       sample this process's resident memory every second
        --seed N               random choices (default 1)
        --threshold EXPR       e.g. 'p99<50ms', 'errors<0.1%', 'message.p95<300ms', 'rate>=95'; repeatable;
                               a broken threshold makes the exit code 99
        --json FILE, --html FILE
                               the summary as JSON, and a self-contained HTML report with charts
        --quiet                no progress line
      """;

  /** What is at the target: GENESIS, or perf's ceiling server standing in for it. */
  public enum Against { GENESIS, CEILING, UPSTREAM }

  public static RunOptions read(Args args) {
    URI target = args.target();
    String against = args.string("--against", "genesis");
    Against kind = switch (against) {
      case "genesis" -> Against.GENESIS;
      case "ceiling" -> Against.CEILING;
      case "upstream" -> Against.UPSTREAM;
      default -> throw new IllegalArgumentException("--against must be genesis, ceiling or upstream, got '" + against + "'");
    };
    String pid = args.string("--server-pid", null);
    if (args.duration("--timeout", Duration.ofSeconds(30)).toMillis() < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1ms");
    }
    return new RunOptions(target, kind,
        args.duration("--timeout", Duration.ofSeconds(30)),
        args.integer("--connections", 1024, 1),
        args.integer("--max-in-flight", 10_000, 1),
        args.duration("--late-tolerance", Duration.ofMillis(10)),
        args.duration("--warmup", Duration.ofSeconds(5)),
        args.integer("--users", 100, 1),
        args.integer("--seed", 1, 0),
        args.string("--token", null),
        pid == null ? null : Long.valueOf(args.integer("--server-pid", 0, 1)),
        args.flag("--quiet"),
        new ClientTls(args.string("--ca-file", null), args.flag("--insecure")));
  }

  /** The load model from the options, or {@code fallback} when none is given. */
  public LoadModel model(Args args, LoadModel fallback) {
    double warmupSeconds = warmup.toNanos() / 1e9;
    if (args.has("--vus") && (args.has("--rate") || args.has("--stages"))) {
      throw new IllegalArgumentException("--vus (closed model) and --rate/--stages (open model) exclude each other");
    }
    if (args.has("--rate") && args.has("--stages")) {
      throw new IllegalArgumentException("--rate and --stages exclude each other");
    }
    // a closed-model scenario stays closed unless a rate is asked for: --duration alone only shortens it
    boolean closed = !fallback.isOpen() && !args.has("--rate") && !args.has("--stages");
    if (args.has("--vus") || closed) {
      double seconds = args.duration("--duration", Duration.ofSeconds(closed ? Math.round(fallback.seconds()) : 30))
          .toNanos() / 1e9;
      long iterations = args.has("--iterations") ? args.integer("--iterations", 0, 1)
          : closed ? fallback.iterations() : Long.MAX_VALUE;
      return LoadModel.closed(args.integer("--vus", closed ? fallback.vus() : 10, 1), seconds, iterations, warmupSeconds);
    }
    if (args.has("--stages")) {
      return LoadModel.open(Schedule.parse(args.string("--stages", ""), args.number("--start-rate", 0, 0)),
          warmupSeconds, maxInFlight);
    }
    if (args.has("--rate") || args.has("--duration")) {
      double rate = args.number("--rate", fallback.isOpen() ? fallback.schedule().stages().get(0).toRate() : 100, 0.001);
      double seconds = args.duration("--duration", Duration.ofSeconds(Math.round(fallback.seconds()))).toNanos() / 1e9;
      return LoadModel.open(Schedule.constant(rate, seconds), warmupSeconds, maxInFlight);
    }
    return LoadModel.open(fallback.schedule(), warmupSeconds, maxInFlight);
  }
}
