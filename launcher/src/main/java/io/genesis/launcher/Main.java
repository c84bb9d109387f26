package io.genesis.launcher;

import io.genesis.common.config.ConfigException;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.SharedSecret;
import io.genesis.embedded.EmbeddedServices;
import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar genesis.jar …}: see {@link Cli#USAGE}. Exit codes: 0 ok, 1 failed to start (or
 * rotate-keys left values unrotated), 2 bad usage or setting.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Cli command;
    GenesisConfig config;
    try {
      command = Cli.parse(args);
      if (command instanceof Cli.Help help) {
        System.out.print(help.usage());
        return;
      }
      GenesisConfig settings = ConfigLoader.fromEnvironment();
      if (command instanceof Cli.Serve serve) {
        Genesis.check(settings, serve.services(), serve.clustered());
      }
      config = ConfigLoader.withSecrets(settings, secretsNeeded(command, settings),
          command instanceof Cli.Serve serve && serve.clustered());
      // Read by logback.xml; set before the first logger exists (Genesis has one) so a config file's choice counts too.
      System.setProperty("GENESIS_LOG_FORMAT", config.logFormat());
    } catch (Cli.UsageException | ConfigException e) {
      System.err.println("genesis: " + e.getMessage() + (e instanceof Cli.UsageException ? " (see --help)" : ""));
      System.exit(2);
      return;
    }
    if (command instanceof Cli.Token token) {
      if (config.jwksUrl() != null) {
        // The gateway refuses HS256 tokens when it takes its keys from a JWKS.
        System.err.println("genesis: token: GENESIS_JWKS_URL is set, so the gateway accepts only tokens signed by that issuer");
        System.exit(2);
        return;
      }
      printToken(config, token);
    } else if (command instanceof Cli.RotateKeys rotate) {
      System.exit(RotateKeys.run(config, rotate.batch(), System.out) ? 0 : 1);
    } else if (command instanceof Cli.Serve serve) {
      serve(config, serve);
    } else if (command instanceof Cli.Databases) {
      databases(config);
    }
  }

  /** Prints the URLs to give services started apart, then runs until SIGTERM or SIGINT. */
  private static void databases(GenesisConfig config) {
    EmbeddedServices embedded = EmbeddedServices.start(Path.of(config.dataDir()), true, true);
    Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "embedded-databases-stop"));
    System.out.println("GENESIS_PG_URL=" + embedded.pgUrl());
    System.out.println("GENESIS_REDIS_URL=" + embedded.redisUrl());
    System.out.flush();
    try {
      new CountDownLatch(1).await(); // the main thread, not an event loop: stopped by a signal's exit
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What the command needs to share with other processes: the encryption key (session service,
   * gateway, rotate-keys) and the JWT secret (gateway and token, unless keys come from a JWKS).
   */
  static Set<SharedSecret> secretsNeeded(Cli command, GenesisConfig settings) {
    Set<SharedSecret> needed = EnumSet.noneOf(SharedSecret.class);
    boolean hs256 = settings.jwksUrl() == null;
    if (command instanceof Cli.Serve serve) {
      if (serve.services().contains(Service.SESSION) || serve.services().contains(Service.GATEWAY)) {
        needed.add(SharedSecret.ENCRYPTION_KEY);
      }
      if (serve.services().contains(Service.GATEWAY) && hs256) {
        needed.add(SharedSecret.JWT_SECRET);
      }
    } else if (command instanceof Cli.Token && hs256) {
      needed.add(SharedSecret.JWT_SECRET);
    } else if (command instanceof Cli.RotateKeys) {
      needed.add(SharedSecret.ENCRYPTION_KEY);
    }
    return needed;
  }

  private static void printToken(GenesisConfig config, Cli.Token token) {
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(new Tokens(vertx, config.jwtSecret()).issue(token.userId(), token.roles(), token.ttlSeconds()).token());
    } finally {
      vertx.close();
    }
  }

  private static void serve(GenesisConfig config, Cli.Serve serve) {
    LogLevels.apply(config.observability());
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("starting {} with {}", serve.services(), config);
    Genesis genesis;
    try {
      genesis = Genesis.start(config, serve.services(), serve.clustered());
    } catch (RuntimeException e) {
      log.error("GENESIS failed to start: {}", e.getMessage(), e);
      System.err.println("genesis: failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    stopOnSignals(genesis, log);
  }

  /**
   * SIGTERM and SIGINT drain GENESIS before the JVM starts its shutdown: the JVM runs every shutdown
   * hook at once, and a library's own (embedded Redis registers one) would stop a store while the
   * live streams still need it. Other exits still close GENESIS through a hook.
   */
  private static void stopOnSignals(Genesis genesis, Logger log) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.compareAndSet(false, true)) {
            log.info("SIG{}: draining (readiness 503, live streams run on for at most {} ms)", name,
                genesis.config().shutdownGraceMillis());
            new Thread(() -> {
              genesis.close();
              System.exit(0);
            }, "genesis-shutdown").start();
          }
        });
      } catch (IllegalArgumentException unsupported) {
        log.debug("signal {} cannot be handled here; the shutdown hook stops GENESIS", name);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(genesis::close, "genesis-shutdown-hook"));
  }
}
