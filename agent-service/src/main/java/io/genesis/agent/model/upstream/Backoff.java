package io.genesis.agent.model.upstream;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Pause before retry {@code n} (0 for the first): {@code baseMillis × 2^n}, at most {@code maxMillis},
 * half of it fixed and half random, so that many callers failing together do not retry together.
 */
public record Backoff(long baseMillis, long maxMillis) {
  public static final Backoff DEFAULT = new Backoff(100, 2_000);

  long delayMillis(int retry) {
    long full = Math.min(maxMillis, baseMillis << Math.min(retry, 20));
    long half = full / 2;
    return half + ThreadLocalRandom.current().nextLong(full - half + 1);
  }
}
