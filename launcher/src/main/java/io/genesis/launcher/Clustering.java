package io.genesis.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.genesis.common.config.GenesisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;

/** Builds the Vert.x instance: plain, or clustered through Hazelcast (TCP members from GENESIS_CLUSTER_MEMBERS). */
final class Clustering {
  private Clustering() {}

  static Future<Vertx> vertx(VertxBuilder builder, GenesisConfig config, boolean clustered) {
    if (!clustered) {
      return Future.succeededFuture(builder.build());
    }
    // Before any Hazelcast class logs: its lines then go through SLF4J as JSON like every other.
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName("genesis");
    if (config.clusterMembers() != null) {
      JoinConfig join = hazelcast.getNetworkConfig().getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true);
      Arrays.stream(config.clusterMembers().split(",")).map(String::trim).filter(m -> !m.isEmpty())
          .forEach(member -> join.getTcpIpConfig().addMember(member));
    }
    return builder.withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }
}
