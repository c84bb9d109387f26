package io.genesis.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.ClusterMember;
import io.genesis.common.config.ClusterSettings;
import io.genesis.common.config.GenesisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Vert.x instance: plain, or clustered through Hazelcast: TCP members from
 * GENESIS_CLUSTER_MEMBERS (never multicast), this member and its event bus on GENESIS_CLUSTER_HOST.
 */
final class Clustering {
  /** How many ports Hazelcast tries from 5701 when GENESIS_CLUSTER_PORT is unset. */
  private static final int PORT_COUNT = 100;

  private static final Logger LOG = LoggerFactory.getLogger(Clustering.class);
  /** The services a member runs, as {@code serve} names them: {@code agent-service,session-service}. */
  private static final String SERVICES_ATTRIBUTE = "genesis.services";
  /** This process's {@link ClusterMember} identity. */
  private static final String MEMBER_ATTRIBUTE = "genesis.member";

  private Clustering() {}

  static Future<Vertx> vertx(VertxBuilder builder, GenesisConfig config, boolean clustered, Set<Service> services) {
    if (!clustered) {
      return Future.succeededFuture(builder.build());
    }
    // Before any Hazelcast class logs: its lines then go through SLF4J as JSON like every other.
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config hazelcast = hazelcast(config.clusterMembers(), config.cluster());
    AtomicReference<Vertx> built = new AtomicReference<>();
    hazelcast.getMemberAttributeConfig().setAttribute(SERVICES_ATTRIBUTE,
        services.stream().map(Service::cliName).sorted().collect(Collectors.joining(",")));
    hazelcast.addListenerConfig(new ListenerConfig(new Membership(built)));
    // This process's identity, which the others read from the departed member when it leaves.
    String member = UUID.randomUUID().toString();
    hazelcast.getMemberAttributeConfig().setAttribute(MEMBER_ATTRIBUTE, member);
    return builder.withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered().onSuccess(vertx -> {
      ClusterMember.identify(vertx, member);
      built.set(vertx);
    });
  }

  /** Logs who joins and leaves; tells this process's services which services a departed member ran. */
  private record Membership(AtomicReference<Vertx> vertx) implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      LOG.info("cluster member {} joined ({})", event.getMember().getAddress(), event.getMember().getAttribute(SERVICES_ATTRIBUTE));
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      String services = event.getMember().getAttribute(SERVICES_ATTRIBUTE);
      String member = event.getMember().getAttribute(MEMBER_ATTRIBUTE);
      LOG.info("cluster member {} left ({})", event.getMember().getAddress(), services);
      Vertx running = vertx.get();
      if (running != null && services != null) {
        // Its unanswered requests fail fast (MemberLoss) and the replies it was generating end (ReplyStreams).
        running.eventBus().publish(Addresses.CLUSTER_MEMBER_LEFT, services,
            member == null ? new DeliveryOptions().setLocalOnly(true)
                : new DeliveryOptions().setLocalOnly(true).addHeader(ClusterMember.LEFT_HEADER, member));
      }
    }
  }

  /** The event bus listens on GENESIS_CLUSTER_HOST too, and gives up on a silent member as Hazelcast does. */
  static VertxOptions eventBus(VertxOptions options, ClusterSettings cluster) {
    long failureMillis = cluster.failureSeconds() * 1_000L;
    // Pings every second; a connection without a pong within the failure time is closed (defaults: 20 s + 20 s).
    options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort())
        .setClusterPingInterval(1_000).setClusterPingReplyInterval(failureMillis)
        .setConnectTimeout((int) failureMillis);
    return options;
  }

  static Config hazelcast(String members, ClusterSettings cluster) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName("genesis");
    failureDetection(hazelcast, cluster.failureSeconds());
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(cluster.port() == null ? ClusterSettings.DEFAULT_PORT : cluster.port())
        .setPortAutoIncrement(cluster.port() == null).setPortCount(PORT_COUNT);
    // Bind and announce only the chosen address, as the event bus does (Hazelcast binds every interface by default).
    hazelcast.setProperty("hazelcast.local.localAddress", cluster.host());
    hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(Arrays.stream(members.split(","))
        .map(String::trim).filter(m -> !m.isEmpty()).toList());
    return hazelcast;
  }

  /**
   * A member whose process died is removed as soon as its connections are refused; one that went silent
   * (host down, network cut) after {@code seconds} without heartbeats. Its event bus consumers go with it,
   * so requests stop being routed there. Split clusters merge back within seconds, not minutes.
   */
  private static void failureDetection(Config hazelcast, int seconds) {
    hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(seconds));
    hazelcast.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hazelcast.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
  }
}
