package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered Vert.x instances in this JVM (Hazelcast TCP on loopback, a cluster name of their
 * own): two members with certificates of the cluster's CA, and one whose certificate another CA
 * signed. Its Hazelcast membership works (that traffic is not encrypted); its event bus traffic does not.
 */
@DisplayName("Cluster TLS: the event bus between members is mutual TLS; a member without a certificate of the CA gets nothing through")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTlsTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final long SEND_TIMEOUT_MILLIS = 5_000;

  @TempDir
  static Path certs;

  private final List<Vertx> members = new ArrayList<>();
  private Vertx first;
  private Vertx second;
  private Vertx rogue;
  private final AtomicInteger secondReceived = new AtomicInteger();
  private final AtomicInteger rogueReceived = new AtomicInteger();

  @BeforeAll
  void start() throws IOException {
    TestCerts.Pair ca = TestCerts.authority(certs, "cluster-ca");
    TestCerts.Pair other = TestCerts.authority(certs, "other-ca");
    TlsSettings firstTls = tls(TestCerts.signed(certs, "member-1", ca), ca);
    TlsSettings secondTls = tls(TestCerts.signed(certs, "member-2", ca), ca);
    // Trusts the cluster's CA, but its own certificate is not the CA's.
    TlsSettings rogueTls = tls(TestCerts.signed(certs, "rogue", other), ca);
    String cluster = "genesis-tls-" + UUID.randomUUID();
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    first = Await.result(clustered(cluster, ports, 0, firstTls), START);
    members.add(first);
    second = Await.result(clustered(cluster, ports, 1, secondTls), START);
    members.add(second);
    rogue = Await.result(clustered(cluster, ports, 2, rogueTls), START);
    members.add(rogue);
    Await.result(second.eventBus().<String>consumer("tls.echo", message -> {
      secondReceived.incrementAndGet();
      message.reply("echo " + message.body());
    }).completion(), START);
    Await.result(rogue.eventBus().<String>consumer("rogue.echo", message -> {
      rogueReceived.incrementAndGet();
      message.reply("rogue " + message.body());
    }).completion(), START);
  }

  @AfterAll
  void stop() {
    for (Vertx member : members) {
      Await.result(member.close(), Duration.ofSeconds(60));
    }
  }

  /** The settings as an operator sets them, read and checked by the loader. */
  private static TlsSettings tls(TestCerts.Pair member, TestCerts.Pair ca) {
    return ConfigLoader.load(Map.of(
        "GENESIS_CLUSTER_TLS_CERT_FILE", member.cert().toString(),
        "GENESIS_CLUSTER_TLS_KEY_FILE", member.key().toString(),
        "GENESIS_CLUSTER_TLS_CA_FILE", ca.cert().toString())).tls();
  }

  private static Future<Vertx> clustered(String cluster, List<Integer> ports, int index, TlsSettings tls) {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(cluster);
    hazelcast.getNetworkConfig().setPort(ports.get(index)).setPortAutoIncrement(false);
    hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    ports.forEach(port -> join.getTcpIpConfig().addMember("127.0.0.1:" + port));
    VertxOptions options = new VertxOptions();
    ClusterTls.configure(options.getEventBusOptions().setHost("127.0.0.1"), tls);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Sends until an answer comes or the deadline passes: a consumer registered on one member reaches
   * the others' views of the cluster a moment later (no handler yet is a failure to retry).
   */
  private static Future<Message<String>> request(Vertx from, String address, String body, long deadlineNanos) {
    return from.eventBus().<String>request(address, body, new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MILLIS))
        .recover(e -> System.nanoTime() < deadlineNanos ? request(from, address, body, deadlineNanos) : Future.failedFuture(e));
  }

  @Test
  @DisplayName("a request from one member with the CA's certificate is answered by another, over TLS")
  void membersTalk() {
    Message<String> reply = Await.result(request(first, "tls.echo", "hello", System.nanoTime() + Duration.ofSeconds(30).toNanos()),
        Duration.ofSeconds(60));
    assertEquals("echo hello", reply.body());
  }

  @Test
  @DisplayName("the member whose certificate another CA signed can neither send to a member nor be sent to")
  void rogueMemberGetsNothingThrough() {
    // The members do talk (the cluster works), so what fails below fails for the rogue certificate.
    Await.result(request(first, "tls.echo", "warm", System.nanoTime() + Duration.ofSeconds(30).toNanos()), Duration.ofSeconds(60));
    int before = secondReceived.get();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Future<Message<String>> fromRogue = request(rogue, "tls.echo", "from rogue", deadline);
    Future<Message<String>> toRogue = request(first, "rogue.echo", "to rogue", deadline);
    Await.result(Future.join(fromRogue, toRogue).otherwiseEmpty(), Duration.ofSeconds(60));
    assertTrue(fromRogue.failed(), "the rogue member's request was answered");
    assertTrue(toRogue.failed(), "the rogue member answered a request");
    assertEquals(before, secondReceived.get(), "a message of the rogue member reached a member");
    assertEquals(0, rogueReceived.get(), "a member's message reached the rogue member");
  }
}
