package io.genesis.launcher;

import io.genesis.common.config.TlsSettings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The clustered event bus's TCP connections (one member to another: requests, replies, streamed
 * deltas) over mutual TLS from {@code GENESIS_CLUSTER_TLS_*}: each member presents its certificate and
 * accepts only peers whose certificate the CA signed, so a process without one can neither send to nor
 * receive from the members. Hazelcast's own membership traffic is not covered (see the README).
 */
final class ClusterTls {
  private ClusterTls() {}

  /** Turns TLS on both ways in {@code options} when the settings ask for it; leaves them as they are otherwise. */
  static EventBusOptions configure(EventBusOptions options, TlsSettings tls) {
    if (!tls.clusterTlsEnabled()) {
      return options;
    }
    // No host name check (Vert.x does none on the bus): members are known by their CA, not their addresses.
    // The bus trusts every server certificate unless told not to (EventBusOptions.DEFAULT_TRUST_ALL).
    return options.setSsl(true).setTrustAll(false)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.clusterCertFile()).setKeyPath(tls.clusterKeyFile()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.clusterCaFile()))
        .setClientAuth(ClientAuth.REQUIRED);
  }
}
