package io.genesis.perf.scenario;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How perf checks an {@code https://} target's certificate: against the JVM's default CAs, against a
 * CA file of the load tester's ({@code --ca-file}, e.g. a staging CA or a self-signed certificate), or
 * not at all ({@code --insecure}: encrypted, but anyone could be answering).
 */
public record ClientTls(String caFile, boolean insecure) {
  public static final ClientTls DEFAULT = new ClientTls(null, false);

  public ClientTls {
    if (caFile != null && insecure) {
      throw new IllegalArgumentException("--ca-file and --insecure exclude each other");
    }
    if (caFile != null && !Files.isReadable(Path.of(caFile))) {
      throw new IllegalArgumentException("--ca-file cannot be read: " + caFile);
    }
  }

  HttpClientOptions apply(HttpClientOptions options) {
    options.setSsl(true);
    if (insecure) {
      return options.setTrustAll(true).setVerifyHost(false);
    }
    return caFile == null ? options : options.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
  }

  WebSocketClientOptions apply(WebSocketClientOptions options) {
    options.setSsl(true);
    if (insecure) {
      return options.setTrustAll(true).setVerifyHost(false);
    }
    return caFile == null ? options : options.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
  }
}
