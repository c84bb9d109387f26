package io.genesis.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Start-up key check: a replica whose key cannot read what its peers write says so")
class StartupKeyCheckTest {
  private static final String OTHER_KEY = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

  private final Vertx vertx = Vertx.vertx();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private String database;
  private String pgUrl;

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @BeforeEach
  void freshDatabase() throws Exception {
    database = TestSupport.freshDatabaseName("keycheck_");
    admin("CREATE DATABASE " + database);
    pgUrl = TestSupport.urlFor(database);
    log.start();
    logger().addAppender(log);
  }

  @AfterEach
  void close() throws Exception {
    logger().detachAppender(log);
    admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    await(vertx.close());
  }

  private void admin(String sql) throws Exception {
    Pool admin = TestSupport.adminPool(vertx, "postgres");
    try {
      await(admin.query(sql).execute());
    } finally {
      await(admin.close());
    }
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(SessionVerticle.class);
  }

  private String deploy(Map<String, String> settings) throws Exception {
    return await(vertx.deployVerticle(new SessionVerticle(), TestSupport.options(pgUrl, TestSupport.services().redisUrl(), settings)));
  }

  private List<String> keyWarnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("GENESIS_ENCRYPTION_KEY"))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  @DisplayName("started with another key than the newest message's, it warns naming both key ids; with that key among the old ones, it does not")
  void warnsOnUnknownKey() throws Exception {
    String first = deploy(Map.of());
    SessionView session = await(TestSupport.request(vertx, Addresses.SESSION_CREATE, new CreateSession("key-user", null, "t")));
    await(TestSupport.request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage("key-user", session.id(), "user", null, "hello")));
    await(vertx.undeploy(first));
    assertEquals(List.of(), keyWarnings(), "its own key: no warning");

    String second = deploy(Map.of("GENESIS_ENCRYPTION_KEY", OTHER_KEY));
    await(vertx.undeploy(second));
    String writtenUnder = FieldCipher.keyIdOf(Base64.getDecoder().decode(TestSupport.TEST_KEY));
    String own = FieldCipher.keyIdOf(Base64.getDecoder().decode(OTHER_KEY));
    assertEquals(1, keyWarnings().size(), () -> String.valueOf(keyWarnings()));
    String warning = keyWarnings().get(0);
    assertTrue(warning.contains("key id " + writtenUnder) && warning.contains("(id " + own + ")"), warning);

    log.list.clear();
    String third = deploy(Map.of("GENESIS_ENCRYPTION_KEY", OTHER_KEY, "GENESIS_ENCRYPTION_OLD_KEYS", TestSupport.TEST_KEY));
    await(vertx.undeploy(third));
    assertEquals(List.of(), keyWarnings(), "an old key it can read with: no warning");
  }
}
