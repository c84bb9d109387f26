package io.genesis.common.config;

/**
 * How a process started with {@code --cluster} joins the others (Hazelcast over TCP, no multicast) and
 * where its event bus listens. Unused without {@code --cluster}.
 *
 * @param host {@code GENESIS_CLUSTER_HOST}: the address this member binds and announces, for Hazelcast and
 *     for the event bus; loopback by default (one machine), a private address the others reach for many
 * @param port {@code GENESIS_CLUSTER_PORT}: the Hazelcast port; null when unset (5701, or the next free
 *     one up to 5800, so several processes on one machine need no setting each)
 * @param busPort {@code GENESIS_CLUSTER_BUS_PORT}: the event bus's TCP port, 0 (any free port, announced
 *     through Hazelcast) by default
 * @param failureSeconds {@code GENESIS_CLUSTER_FAILURE_SECONDS}: a member silent this long is taken out of
 *     the cluster (its consumers with it); one whose process died is usually seen at once, when its
 *     connections close
 */
public record ClusterSettings(String host, Integer port, int busPort, int failureSeconds) {
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_FAILURE_SECONDS = 5;

  public static ClusterSettings defaults() {
    return new ClusterSettings("127.0.0.1", null, 0, DEFAULT_FAILURE_SECONDS);
  }

  /** {@code host} or {@code host:port}; an IPv6 address in brackets when it has a port. */
  static void checkMember(String member, String all) {
    if (member.isEmpty()) {
      throw new ConfigException("GENESIS_CLUSTER_MEMBERS", "has an empty entry in '" + all + "' (host:port, separated by commas)");
    }
    if (!member.matches("\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|[A-Za-z0-9.-]+(:\\d{1,5})?")) {
      throw new ConfigException("GENESIS_CLUSTER_MEMBERS", "entry '" + member + "' must be host or host:port, e.g. 10.0.0.5:5701");
    }
    int colon = member.lastIndexOf(':');
    boolean hasPort = colon > 0 && (member.startsWith("[") ? member.charAt(colon - 1) == ']' : member.indexOf(':') == colon);
    if (hasPort) {
      int port = Integer.parseInt(member.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new ConfigException("GENESIS_CLUSTER_MEMBERS", "entry '" + member + "' has a port outside 1–65535");
      }
    }
  }
}
