package io.genesis.launcher;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The services a process can run ({@code serve gateway|agent-service|session-service|all}). */
public enum Service {
  SESSION("session-service"),
  AGENT("agent-service"),
  GATEWAY("gateway");

  private final String cliName;

  Service(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** {@code all} or one service name; null when the name is not known. */
  public static Set<Service> parse(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    if (wanted.equals("all")) {
      return EnumSet.allOf(Service.class);
    }
    for (Service service : values()) {
      if (service.cliName.equals(wanted)) {
        return EnumSet.of(service);
      }
    }
    return null;
  }
}
