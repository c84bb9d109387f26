package io.genesis.perf.streaming;

import java.net.URI;
import java.util.Set;

/**
 * Options of the {@code streaming} run.
 *
 * @param target the gateway (mode {@code gateway}), an OpenAI-compatible server (mode {@code upstream}),
 *     or perf's {@code ceiling} server (mode {@code ceiling}: its bare SSE route, for ratios)
 * @param requests measured requests (after {@code warmup} unmeasured ones)
 * @param concurrency streams in flight at once (closed model: each worker sends its next request when the last ends)
 * @param maxSeconds the run stops after this long whatever is left
 */
public record StreamingOptions(URI target, String mode, int requests, int warmup, int concurrency, String agent,
                               String message, String model, int maxSeconds, String jsonFile) {
  static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  public static StreamingOptions parse(String[] args) {
    URI target = null;
    String mode = "gateway";
    int requests = 1000;
    int warmup = 100;
    int concurrency = 10;
    String agent = "volt";
    String message = "I ran 10k in 50:00, what pace is that?";
    String model = "fake";
    int maxSeconds = 300;
    String json = null;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unexpected '" + name + "'");
      }
      String value = args[++i];
      switch (name) {
        case "--target" -> target = URI.create(value);
        case "--mode" -> mode = value;
        case "--requests" -> requests = positive(name, value);
        case "--warmup" -> warmup = Math.max(0, Integer.parseInt(value));
        case "--concurrency" -> concurrency = positive(name, value);
        case "--agent" -> agent = value;
        case "--message" -> message = value;
        case "--model" -> model = value;
        case "--max-seconds" -> maxSeconds = positive(name, value);
        case "--json" -> json = value;
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    if (target == null || target.getHost() == null) {
      throw new IllegalArgumentException("--target http://127.0.0.1:PORT is required");
    }
    if (!LOOPBACK.contains(target.getHost())) {
      throw new IllegalArgumentException("--target must be a loopback address (127.0.0.1, ::1, localhost): load stays on this machine");
    }
    if (!mode.equals("gateway") && !mode.equals("upstream") && !mode.equals("ceiling")) {
      throw new IllegalArgumentException("--mode must be gateway, upstream or ceiling");
    }
    return new StreamingOptions(target, mode, requests, warmup, concurrency, agent, message, model, maxSeconds, json);
  }

  int port() {
    return target.getPort() > 0 ? target.getPort() : 80;
  }

  private static int positive(String name, String value) {
    int parsed = Integer.parseInt(value);
    if (parsed <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return parsed;
  }
}
