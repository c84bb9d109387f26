package io.genesis.common.config;

/** A bad setting: the message is one line that names it, printed as-is when GENESIS refuses to start. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem, null, false, false);
  }
}
