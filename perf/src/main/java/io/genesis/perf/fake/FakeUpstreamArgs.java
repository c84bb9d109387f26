package io.genesis.perf.fake;

import java.util.List;
import java.util.Locale;

/**
 * Reads {@code fake-upstream} options: {@code --port P --ttft 200ms --tokens-per-s 50 --tokens N
 * --fail-first K --fail-rate r --hang-rate r --hang-after N --seed S --host H}. Unknown options and
 * bad values are {@link IllegalArgumentException}s naming them.
 */
public final class FakeUpstreamArgs {
  public static final String USAGE = """
        fake-upstream [--port 8090] [--ttft 200ms] [--tokens-per-s 50] [--tokens 32]
                      [--fail-first K] [--fail-rate r] [--hang-rate r] [--hang-after N] [--seed 1]
                      [--host 127.0.0.1]
                               a fake OpenAI-compatible model server (POST /v1/chat/completions,
                               GET /v1/models); --port 0 picks a free port; --tokens-per-s 0 is as fast
                               as possible; rates are shares between 0 and 1, drawn from --seed
      """;

  private FakeUpstreamArgs() {}

  public static FakeUpstreamOptions parse(List<String> args) {
    FakeUpstreamOptions options = FakeUpstreamOptions.defaults().withPort(8090);
    for (int i = 0; i < args.size(); i += 2) {
      String name = args.get(i);
      if (i + 1 >= args.size()) {
        String problem = name.startsWith("--") ? name + " needs a value" : "unknown option '" + name + "'";
        throw new IllegalArgumentException(problem);
      }
      options = apply(options, name, args.get(i + 1));
    }
    return options;
  }

  private static FakeUpstreamOptions apply(FakeUpstreamOptions o, String name, String value) {
    return switch (name) {
      case "--host" -> new FakeUpstreamOptions(value, o.port(), o.ttftMillis(), o.tokensPerSecond(), o.tokens(),
          o.failFirst(), o.failRate(), o.hangRate(), o.hangAfterTokens(), o.seed());
      case "--port" -> o.withPort(integer(name, value));
      case "--ttft" -> o.withTtftMillis(millis(name, value));
      case "--tokens-per-s" -> o.withTokensPerSecond(decimal(name, value));
      case "--tokens" -> o.withTokens(integer(name, value));
      case "--fail-first" -> o.withFailFirst(integer(name, value));
      case "--fail-rate" -> o.withFailRate(decimal(name, value));
      case "--hang-rate" -> o.withHangRate(decimal(name, value));
      case "--hang-after" -> o.withHangAfterTokens(integer(name, value));
      case "--seed" -> o.withSeed(integer(name, value));
      default -> throw new IllegalArgumentException("unknown option '" + name + "'");
    };
  }

  /** {@code 200ms}, {@code 1.5s}, {@code 2m}, or a plain number of milliseconds. */
  static long millis(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    double factor = 1;
    if (v.endsWith("ms")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      v = v.substring(0, v.length() - 1);
      factor = 1_000;
    } else if (v.endsWith("m")) {
      v = v.substring(0, v.length() - 1);
      factor = 60_000;
    }
    return Math.round(decimal(name, v, value) * factor);
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }

  private static double decimal(String name, String value) {
    return decimal(name, value, value);
  }

  private static double decimal(String name, String number, String given) {
    try {
      double d = Double.parseDouble(number.trim());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a number, got '" + given + "'");
  }
}
