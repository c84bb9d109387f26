package io.genesis.common.config;

/**
 * How long a service keeps trying its start-up steps (the schema migration, the first database query,
 * the key check, Redis) before it gives up and the process exits naming the step that failed.
 *
 * @param startTimeoutMillis {@code GENESIS_START_TIMEOUT}: the budget of all start-up steps together;
 *     a failed step is retried with backoff while the budget lasts (a database still booting, a replica
 *     migrating the same schema at the same moment)
 */
public record StartupSettings(long startTimeoutMillis) {
  public static final long DEFAULT_START_TIMEOUT_MILLIS = 60_000;

  public static StartupSettings defaults() {
    return new StartupSettings(DEFAULT_START_TIMEOUT_MILLIS);
  }
}
