package io.genesis.launcher;

import io.genesis.common.config.GenesisConfig;
import io.genesis.embedded.EmbeddedServices;
import io.genesis.session.crypto.KeyRotation;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code genesis rotate-keys [--batch N]}: connects to the database the server uses (GENESIS_PG_URL,
 * else the embedded one in the data directory, which only works while no server holds it) and
 * rewrites every value under the current key. Prints one line per table and a summary.
 */
final class RotateKeys {
  private static final Logger LOG = LoggerFactory.getLogger(RotateKeys.class);
  /** Long enough for millions of rows; a stuck database still ends the command. */
  private static final Duration TIMEOUT = Duration.ofHours(12);

  private RotateKeys() {}

  /** True when every value is now under the current key. */
  static boolean run(GenesisConfig settings, int batch, PrintStream out) {
    EmbeddedServices embedded = settings.pgUrl() == null ? EmbeddedServices.start(Path.of(settings.dataDir()), true, false) : null;
    GenesisConfig config = embedded == null ? settings : settings.withDatabases(embedded.pgUrl(), settings.redisUrl());
    Vertx vertx = Vertx.vertx();
    try {
      KeyRotation.Result result = Await.result(KeyRotation.run(vertx, config, batch), TIMEOUT);
      for (KeyRotation.TableResult table : result.tables()) {
        out.printf("%s: %d re-encrypted, %d unreadable, %d not under key %s%n",
            table.table(), table.reencrypted(), table.unreadable(), table.remaining(), result.keyId());
      }
      out.println(result.complete() ? "every value is under key " + result.keyId()
          : "some values are not under key " + result.keyId() + " yet: run rotate-keys again (unreadable ones need their key in GENESIS_ENCRYPTION_OLD_KEYS)");
      return result.complete();
    } catch (RuntimeException e) {
      LOG.error("rotate-keys failed: {}", e.getMessage(), e);
      out.println("rotate-keys failed: " + e.getMessage());
      return false;
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(30));
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
