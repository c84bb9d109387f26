package io.genesis.common.config;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's default trust store ({@code cacerts}), loaded once off the event loops. Netty builds a TLS context
 * when its first connection opens, on an event loop, and asks for the default trust managers there: the JDK reads
 * {@code cacerts} from disk the first time in a process (a blocking read) and serves it from its cache afterwards.
 */
public final class DefaultTrustStore {
  private DefaultTrustStore() {}

  /** Loads it now, on the calling thread (never an event loop). */
  public static void load() {
    try {
      TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
    }
  }

  /** True when a setting names an {@code https://} peer or HTTPS is served: something will open a TLS connection. */
  public static boolean needed(GenesisConfig config) {
    return config.tls().httpsEnabled() || isHttps(config.modelBaseUrl()) || isHttps(config.jwksUrl());
  }

  private static boolean isHttps(String url) {
    return url != null && url.regionMatches(true, 0, "https://", 0, 8);
  }
}
