package io.genesis.common.config;

/**
 * Transport encryption, from PEM files (checked when the settings are read).
 *
 * @param certFile {@code GENESIS_TLS_CERT_FILE}: the gateway's certificate chain; with {@code keyFile} the
 *     gateway serves HTTPS (HTTP/2 and HTTP/1.1 by ALPN) and reloads both when they change
 * @param keyFile {@code GENESIS_TLS_KEY_FILE}: the private key of {@code certFile}
 * @param clusterCertFile {@code GENESIS_CLUSTER_TLS_CERT_FILE}: this member's certificate, signed by
 *     {@code clusterCaFile}; with {@code --cluster} the event bus's connections use TLS both ways
 * @param clusterKeyFile {@code GENESIS_CLUSTER_TLS_KEY_FILE}: the private key of {@code clusterCertFile}
 * @param clusterCaFile {@code GENESIS_CLUSTER_TLS_CA_FILE}: the certificate authority every member's
 *     certificate must be signed by (a member without one cannot send or receive on the bus)
 */
public record TlsSettings(String certFile, String keyFile, String clusterCertFile, String clusterKeyFile,
                          String clusterCaFile) {

  public static TlsSettings defaults() {
    return new TlsSettings(null, null, null, null, null);
  }

  /** Whether the gateway serves HTTPS. */
  public boolean httpsEnabled() {
    return certFile != null;
  }

  /** Whether the clustered event bus uses mutual TLS. */
  public boolean clusterTlsEnabled() {
    return clusterCertFile != null;
  }
}
