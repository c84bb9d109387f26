package io.genesis.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.ObservabilitySettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code GENESIS_LOG_LEVEL} (the root level) and then each {@code GENESIS_LOG_LEVELS} entry
 * to logback, before any service starts. Loggers that logback.xml quiets ({@code com.hazelcast},
 * {@code io.netty}, {@code io.zonky}) keep their level unless an entry names them.
 */
final class LogLevels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);

  private final LoggerContext context;
  /** Each logger changed and its own level before (null: it inherited its parent's). */
  private final Map<String, Level> previous;

  private LogLevels(LoggerContext context, Map<String, Level> previous) {
    this.context = context;
    this.previous = previous;
  }

  /**
   * Sets the levels and logs one line naming them. The answer puts the previous levels back when
   * closed (for tests; a server keeps its levels for its lifetime).
   */
  static LogLevels apply(ObservabilitySettings settings) {
    Map<String, String> levels = new LinkedHashMap<>();
    levels.put(Logger.ROOT_LOGGER_NAME, settings.logLevel());
    levels.putAll(ConfigLoader.logLevels(settings.logLevels()));
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      LOG.warn("log levels not applied: the logging backend is {}, not logback", factory.getClass().getName());
      return new LogLevels(null, Map.of());
    }
    Map<String, Level> previous = new LinkedHashMap<>();
    StringJoiner applied = new StringJoiner(", ");
    levels.forEach((name, level) -> {
      ch.qos.logback.classic.Logger logger = context.getLogger(name);
      previous.putIfAbsent(logger.getName(), logger.getLevel());
      logger.setLevel(Level.toLevel(level, Level.INFO));
      applied.add((logger == context.getLogger(Logger.ROOT_LOGGER_NAME) ? "root" : name) + "=" + level);
    });
    LOG.atInfo().addKeyValue("logLevels", applied.toString()).log("log levels: {}", applied);
    return new LogLevels(context, previous);
  }

  /** Puts back the levels {@link #apply} changed. */
  @Override
  public void close() {
    if (context != null) {
      previous.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
  }
}
