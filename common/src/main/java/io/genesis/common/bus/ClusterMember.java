package io.genesis.common.bus;

import io.vertx.core.Vertx;

/**
 * Which cluster member a process is: the identity its launcher joined the cluster with, also the one
 * {@link Addresses#CLUSTER_MEMBER_LEFT} names in its {@link #LEFT_HEADER} header when the member leaves.
 * A service puts it in what it answers when later traffic depends on that same process (the agent
 * service in {@link Messages.StreamOpened}), so a caller can give up on that traffic once the member is gone.
 */
public final class ClusterMember {
  /** Header of {@link Addresses#CLUSTER_MEMBER_LEFT}: the departed member's identity. */
  public static final String LEFT_HEADER = "member";
  private static final String MAP = "genesis.cluster";
  private static final String KEY = "member";

  private ClusterMember() {}

  /** Set by the launcher once this Vert.x instance joined the cluster, before any service is deployed. */
  public static void identify(Vertx vertx, String member) {
    vertx.sharedData().<String, String>getLocalMap(MAP).put(KEY, member);
  }

  /** This process's member identity; null when it is not clustered. */
  public static String of(Vertx vertx) {
    return vertx.isClustered() ? vertx.sharedData().<String, String>getLocalMap(MAP).get(KEY) : null;
  }
}
