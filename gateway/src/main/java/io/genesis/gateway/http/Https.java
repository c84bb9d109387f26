package io.genesis.gateway.http;

import io.genesis.common.config.DefaultTrustStore;
import io.genesis.common.config.PemFiles;
import io.genesis.common.config.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS from {@code GENESIS_TLS_CERT_FILE} and {@code GENESIS_TLS_KEY_FILE}: HTTP/2 and HTTP/1.1 by ALPN,
 * {@code Strict-Transport-Security} on every answer, and the pair reloaded when either file changes
 * (renewed by certbot, cert-manager…): new connections get the new certificate, open ones keep theirs.
 * A new pair that does not load (half written, key of another certificate) is logged and the old one
 * stays until the files change again.
 */
public final class Https {
  private static final Logger LOG = LoggerFactory.getLogger(Https.class);
  /** How often the files' size and modification time are looked at (two metadata reads, off the event loop). */
  public static final long WATCH_MILLIS = 1_000;
  private static final CharSequence STRICT_TRANSPORT_SECURITY = HttpHeaders.createOptimized("Strict-Transport-Security");
  /** One year, the value browsers' preload lists ask for; no includeSubDomains: the host's siblings are not ours to bind. */
  private static final CharSequence ONE_YEAR = HttpHeaders.createOptimized("max-age=31536000");

  private final Vertx vertx;
  private final TlsSettings settings;
  /** The files' size and modification time when last loaded, or last refused. */
  private String seen;
  private boolean checking;

  private Https(Vertx vertx, TlsSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** The server options with TLS on, loaded from the files (read asynchronously), when the settings ask for it. */
  public static Future<HttpServerOptions> configure(Vertx vertx, TlsSettings settings, HttpServerOptions options) {
    if (!settings.httpsEnabled()) {
      return Future.succeededFuture(options);
    }
    return read(vertx, settings).map(pem -> options.setSsl(true).setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setKeyCertOptions(pem));
  }

  /** Adds {@code Strict-Transport-Security} to every answer: mount first, and only on an HTTPS server. */
  public static void strictTransportSecurity(RoutingContext ctx) {
    ctx.response().headers().set(STRICT_TRANSPORT_SECURITY, ONE_YEAR);
    ctx.next();
  }

  /**
   * Watches the files and updates {@code server}'s certificate when they change; answers the timer to
   * cancel on stop. One watcher per process is enough: the gateway instances share one listening server.
   */
  public static long watch(Vertx vertx, TlsSettings settings, HttpServer server) {
    Https watcher = new Https(vertx, settings);
    watcher.stamp().onSuccess(stamp -> watcher.seen = stamp);
    return vertx.setPeriodic(WATCH_MILLIS, WATCH_MILLIS, timer -> watcher.check(server));
  }

  private void check(HttpServer server) {
    if (checking) {
      return;
    }
    checking = true;
    stamp().compose(stamp -> {
      if (stamp.equals(seen)) {
        return Future.succeededFuture();
      }
      seen = stamp;
      return reload(server);
    }).onComplete(done -> checking = false);
  }

  private Future<Void> reload(HttpServer server) {
    return read(vertx, settings)
        .compose(pem -> server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem)))
        .onSuccess(changed -> LOG.info("TLS certificate reloaded from GENESIS_TLS_CERT_FILE and GENESIS_TLS_KEY_FILE"))
        .onFailure(e -> LOG.warn("TLS certificate not reloaded, the previous one stays: {}", e.getMessage()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Both files' size and modification time; a missing file (mid-rename) reads as its own stamp. */
  private Future<String> stamp() {
    return Future.all(props(settings.certFile()), props(settings.keyFile()))
        .map(both -> both.resultAt(0) + "|" + both.resultAt(1));
  }

  private Future<String> props(String file) {
    return vertx.fileSystem().props(file).map(Https::stampOf).recover(e -> Future.succeededFuture("missing"));
  }

  private static String stampOf(FileProps props) {
    return props.lastModifiedTime() + ":" + props.size() + ":" + props.creationTime();
  }

  /**
   * Reads the pair and checks it (the pair check signs once: on a worker, not the event loop), and loads the
   * JDK's default trust store there too ({@link DefaultTrustStore}: the server's SSL context, built on the first
   * connection on an event loop, asks for it; BlockHound caught that read once in CI).
   */
  private static Future<PemKeyCertOptions> read(Vertx vertx, TlsSettings settings) {
    Future<Buffer> cert = vertx.fileSystem().readFile(settings.certFile());
    Future<Buffer> key = vertx.fileSystem().readFile(settings.keyFile());
    return Future.all(cert, key).compose(both -> vertx.executeBlocking(() -> {
      DefaultTrustStore.load();
      try {
        PemFiles.checkPair(cert.result().getBytes(), key.result().getBytes());
      } catch (PemFiles.InvalidPem e) {
        throw new IllegalStateException((e.certificate() ? "GENESIS_TLS_CERT_FILE " : "GENESIS_TLS_KEY_FILE ")
            + e.getMessage(), e);
      }
      return new PemKeyCertOptions().addCertValue(cert.result()).addKeyValue(key.result());
    }, false));
  }

  /** For the ready line and the logs. */
  public static String scheme(TlsSettings settings) {
    return settings.httpsEnabled() ? "https" : "http";
  }
}
