package io.genesis.common.config;

/**
 * Metrics and logging settings.
 *
 * @param metricsEnabled {@code GENESIS_METRICS}: Micrometer metrics and the per-route figures of
 *     {@code /performance/*} (on by default; off only to measure what they cost)
 * @param metricsPort {@code GENESIS_METRICS_PORT}: a separate operator port serving {@code /metrics},
 *     {@code /performance/*} and {@code /health/live} without a token; null when unset (a process
 *     without a gateway then takes any free port and logs it)
 * @param metricsHost {@code GENESIS_METRICS_HOST}: the operator port's address, loopback by default
 *     (the port has no token; open it wider only on a private network)
 * @param logLevel {@code GENESIS_LOG_LEVEL}: the root level
 * @param logLevels {@code GENESIS_LOG_LEVELS}: per logger or package, {@code name=level,…}
 */
public record ObservabilitySettings(boolean metricsEnabled, Integer metricsPort, String metricsHost, String logLevel,
                                    String logLevels) {

  public static ObservabilitySettings defaults() {
    return new ObservabilitySettings(true, null, "127.0.0.1", "info", null);
  }
}
