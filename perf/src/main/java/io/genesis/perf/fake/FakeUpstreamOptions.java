package io.genesis.perf.fake;

/**
 * How a {@link FakeUpstream} answers.
 *
 * @param host address to bind
 * @param port port to bind (0: any free port, see {@link FakeUpstream#port()})
 * @param ttftMillis time from the request to the first content token
 * @param tokensPerSecond content tokens per second after the first (0: as fast as possible)
 * @param tokens content tokens in each answer
 * @param failFirst the first K requests answer 500
 * @param failRate share of requests (after the first K) that answer 500
 * @param hangRate share of requests never answered (no status line; the connection stays open)
 * @param hangAfterTokens stop after this many content tokens and keep the connection open (-1: never)
 * @param seed seeds the fail and hang draws, so that a run is repeatable
 */
public record FakeUpstreamOptions(String host, int port, long ttftMillis, double tokensPerSecond, int tokens,
                                  int failFirst, double failRate, double hangRate, int hangAfterTokens, long seed) {

  public FakeUpstreamOptions {
    require(port >= 0 && port <= 65_535, "--port must be 0..65535");
    require(ttftMillis >= 0, "--ttft must not be negative");
    require(tokensPerSecond >= 0, "--tokens-per-s must not be negative");
    require(tokens >= 0, "--tokens must not be negative");
    require(failFirst >= 0, "--fail-first must not be negative");
    require(failRate >= 0 && failRate <= 1, "--fail-rate must be between 0 and 1");
    require(hangRate >= 0 && hangRate <= 1, "--hang-rate must be between 0 and 1");
    require(hangAfterTokens >= -1, "--hang-after must be -1 (never) or more");
  }

  /** Loopback, any free port, 200 ms to the first of 32 tokens at 50 tokens/s, no faults. */
  public static FakeUpstreamOptions defaults() {
    return new FakeUpstreamOptions("127.0.0.1", 0, 200, 50, 32, 0, 0, 0, -1, 1);
  }

  public FakeUpstreamOptions withPort(int port) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withTtftMillis(long ttftMillis) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withTokensPerSecond(double tokensPerSecond) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withTokens(int tokens) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withFailFirst(int failFirst) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withFailRate(double failRate) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withHangRate(double hangRate) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withHangAfterTokens(int hangAfterTokens) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  public FakeUpstreamOptions withSeed(long seed) {
    return new FakeUpstreamOptions(host, port, ttftMillis, tokensPerSecond, tokens, failFirst, failRate, hangRate,
        hangAfterTokens, seed);
  }

  /** Milliseconds from the first content token to token {@code index} at the configured rate. */
  long offsetMillis(int index) {
    return tokensPerSecond == 0 ? 0 : (long) (index * 1000 / tokensPerSecond);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
