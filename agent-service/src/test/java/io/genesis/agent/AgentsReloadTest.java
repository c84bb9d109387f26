package io.genesis.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.genesis.agent.registry.AgentLoader;
import io.genesis.agent.registry.AgentRegistry;
import io.genesis.agent.registry.AgentsWatcher;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AgentList;
import io.genesis.common.bus.Messages.AgentRef;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.bus.Messages.Empty;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent service on a watched copy of the built-in definitions. Files are changed on worker threads
 * (file IO blocks) and replaced atomically, as a deployment tool should, so each change is exactly one
 * reload attempt; each step awaits {@link AgentsWatcher#reloads()} or {@link AgentsWatcher#checks()}.
 */
@ExtendWith(VertxExtension.class)
class AgentsReloadTest {
  private static final Duration TICK = Duration.ofMillis(50);
  /** A change is reloaded at the second check that sees it; this many checks without it fail the test. */
  private static final int MAX_CHECKS = 40;
  private static final List<String> FILES =
      List.of("aura.json", "blaze.json", "nova.json", "sage.json", "stella.json", "volt.json", "wave.json");
  private static final String SAGE_DESCRIPTION =
      "Nutrition coach: calories, macros, meal planning and eating habits that last.";

  /** Under {@code target/}: surefire points {@code java.io.tmpdir} there. */
  @TempDir
  Path temp;

  private Path dir;
  private String sage;
  private AgentVerticle verticle;
  private AgentsWatcher watcher;
  private String initialVersion;
  private EventBus bus;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) throws IOException {
    dir = Files.createDirectory(temp.resolve("agents"));
    for (String file : FILES) {
      Files.writeString(dir.resolve(file), builtInText(file));
    }
    sage = builtInText("sage.json");
    log.start();
    watcherLogger().addAppender(log);
    bus = vertx.eventBus();
    verticle = new AgentVerticle(TICK);
    JsonObject config = new JsonObject().put("agentsDir", dir.toString());
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)).onComplete(ctx.succeeding(id -> {
      watcher = verticle.watcher().orElseThrow();
      initialVersion = verticle.registry().current().version();
      ctx.completeNow();
    }));
  }

  @AfterEach
  void detachLog() {
    watcherLogger().detachAppender(log);
  }

  @Test
  @DisplayName("a changed description is served after the next reload, under a new list version")
  void changedDescription(Vertx vertx, VertxTestContext ctx) {
    reloadAfter(vertx, () -> write("sage.json", sage.replace(SAGE_DESCRIPTION, "Plates, not pills.")))
        .compose(reloaded -> Future.all(get("sage"), list()))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          AgentView view = answers.resultAt(0);
          AgentList list = answers.resultAt(1);
          assertEquals("Plates, not pills.", view.description());
          assertEquals("Plates, not pills.", list.agents().stream()
              .filter(agent -> agent.id().equals("sage")).findFirst().orElseThrow().description());
          assertNotEquals(initialVersion, list.version());
          assertEquals(verticle.registry().current().version(), list.version());
          assertEquals(List.of("agents reloaded: 7 agents, version " + list.version()), messages(Level.INFO));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bad file keeps the last good definitions and is warned about once per problem; the fix reloads")
  void badFileThenFix(Vertx vertx, VertxTestContext ctx) {
    Path file = dir.resolve("sage.json");
    String brokenJson = "{\"id\": \"sage\",";
    String noDescription = sage.replaceFirst("(?m)^\\s*\"description\": \".*\",\\n", "");
    failedReloadAfter(vertx, () -> write("sage.json", brokenJson))
        .map(error -> {
          assertTrue(error.getMessage().startsWith("agent definition " + file + ": is not valid JSON"), error.getMessage());
          assertEquals(error.getMessage(), watcher.problem().orElseThrow());
          return error;
        })
        .compose(first -> failedReloadAfter(vertx, () -> touch("sage.json")))
        .compose(sameProblem -> assertSageDescription(SAGE_DESCRIPTION))
        .compose(v -> failedReloadAfter(vertx, () -> write("sage.json", noDescription)))
        .map(error -> {
          assertEquals("agent definition " + file + ": field 'description': is required", error.getMessage());
          return error;
        })
        .compose(v -> assertSageDescription(SAGE_DESCRIPTION))
        .compose(v -> reloadAfter(vertx, () -> write("sage.json", sage.replace(SAGE_DESCRIPTION, "Fixed."))))
        .compose(reloaded -> assertSageDescription("Fixed."))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(watcher.problem().isEmpty());
          List<ILoggingEvent> warnings = events(Level.WARN);
          assertEquals(2, warnings.size(), warnings.toString());
          assertTrue(warnings.get(0).getFormattedMessage().startsWith("agents not reloaded, keeping 7 agents, version "
              + initialVersion + ": agent definition " + file + ": is not valid JSON"), warnings.get(0).getFormattedMessage());
          assertTrue(warnings.get(1).getFormattedMessage().endsWith(file + ": field 'description': is required"),
              warnings.get(1).getFormattedMessage());
          warnings.forEach(warning -> assertNull(warning.getThrowableProxy(), "no stack trace"));
          assertEquals(1, messages(Level.INFO).size());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a new agent file is listed; deleting it removes the agent and restores the first version")
  void addAndDelete(Vertx vertx, VertxTestContext ctx) {
    String zen = sage.replace("\"id\": \"sage\"", "\"id\": \"zen\"").replace("\"name\": \"SAGE\"", "\"name\": \"ZEN\"")
        .replaceAll("(?s)\"handoffTargets\": \\[[^\\]]*\\]", "\"handoffTargets\": []");
    reloadAfter(vertx, () -> write("zen.json", zen))
        .compose(reloaded -> list())
        .map(list -> {
          assertEquals(List.of("AURA", "BLAZE", "NOVA", "SAGE", "STELLA", "VOLT", "WAVE", "ZEN"), names(list));
          assertNotEquals(initialVersion, list.version());
          return list;
        })
        .compose(v -> reloadAfter(vertx, () -> Files.deleteIfExists(dir.resolve("zen.json"))))
        .compose(reloaded -> list())
        .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
          assertEquals(List.of("AURA", "BLAZE", "NOVA", "SAGE", "STELLA", "VOLT", "WAVE"), names(list));
          assertEquals(initialVersion, list.version());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an unchanged directory is not reloaded: the version stays the same across ticks")
  void unchanged(VertxTestContext ctx) {
    AgentRegistry before = verticle.registry().current();
    Future<AgentRegistry> reload = watcher.reloads();
    checks(6).compose(v -> list()).onComplete(ctx.succeeding(list -> ctx.verify(() -> {
      assertFalse(reload.isComplete(), "no reload attempt");
      assertSame(before, verticle.registry().current());
      assertEquals(initialVersion, list.version());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a file touched without a change is reloaded into the same registry and version")
  void touchedOnly(Vertx vertx, VertxTestContext ctx) {
    AgentRegistry before = verticle.registry().current();
    reloadAfter(vertx, () -> touch("wave.json")).onComplete(ctx.succeeding(reloaded -> ctx.verify(() -> {
      assertSame(before, reloaded);
      assertSame(before, verticle.registry().current());
      assertTrue(messages(Level.INFO).isEmpty(), "nothing reloaded to report");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a second rewrite of the same size and time as the first is still seen (content compared)")
  void sameSizeAndTime(Vertx vertx, VertxTestContext ctx) {
    String first = sage.replace(SAGE_DESCRIPTION, "x".repeat(SAGE_DESCRIPTION.length()));
    String second = sage.replace(SAGE_DESCRIPTION, "y".repeat(SAGE_DESCRIPTION.length()));
    reloadAfter(vertx, () -> write("sage.json", first))
        .compose(reloaded -> reloadAfter(vertx, () -> {
          FileTime time = Files.getLastModifiedTime(dir.resolve("sage.json"));
          return writeAt("sage.json", second, time);
        }))
        .compose(reloaded -> assertSageDescription("y".repeat(SAGE_DESCRIPTION.length())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a directory that disappears or is emptied keeps the last good set; its return reloads")
  void missingAndEmptyDirectory(Vertx vertx, VertxTestContext ctx) {
    Path aside = temp.resolve("aside");
    failedReloadAfter(vertx, () -> Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE))
        .map(error -> {
          assertEquals("GENESIS_AGENTS_DIR: Cannot read directory " + dir + ". Does not exist", error.getMessage());
          return error;
        })
        .compose(v -> failedReloadAfter(vertx, () -> Files.createDirectory(dir)))
        .map(error -> {
          assertEquals("GENESIS_AGENTS_DIR: no *.json files in '" + dir + "'", error.getMessage());
          return error;
        })
        .compose(v -> list())
        .map(list -> {
          assertEquals(7, list.agents().size());
          assertEquals(initialVersion, list.version());
          return list;
        })
        .compose(v -> reloadAfter(vertx, () -> {
          Files.delete(dir);
          return Files.move(aside, dir, StandardCopyOption.ATOMIC_MOVE);
        }))
        .onComplete(ctx.succeeding(reloaded -> ctx.verify(() -> {
          assertEquals(initialVersion, reloaded.version());
          assertTrue(watcher.problem().isEmpty());
          assertEquals(2, events(Level.WARN).size());
          assertEquals(List.of("agents reloaded: 7 agents, version " + initialVersion), messages(Level.INFO));
          ctx.completeNow();
        })));
  }

  // ---- steps ----

  /**
   * Makes {@code change} on a worker thread; completes with the reload attempt that follows it, or
   * fails when {@link #MAX_CHECKS} checks pass without one.
   */
  private Future<AgentRegistry> reloadAfter(Vertx vertx, Callable<?> change) {
    Future<AgentRegistry> reload = watcher.reloads();
    return vertx.executeBlocking(change, false).compose(done -> {
      Promise<AgentRegistry> attempt = Promise.promise();
      reload.onComplete(attempt::tryComplete, attempt::tryFail);
      checks(MAX_CHECKS).onComplete(v -> attempt.tryFail(
          new AssertionError("no reload attempt within " + MAX_CHECKS + " checks of the change")));
      return attempt.future();
    });
  }

  /** As {@link #reloadAfter}, for an attempt that must fail: completes with its failure. */
  private Future<Throwable> failedReloadAfter(Vertx vertx, Callable<?> change) {
    return reloadAfter(vertx, change).transform(result -> result.failed()
        ? Future.succeededFuture(result.cause())
        : Future.failedFuture(new AssertionError("expected a failed reload, got version " + result.result().version())));
  }

  private Future<Void> checks(int count) {
    return count == 0 ? Future.succeededFuture() : watcher.checks().compose(v -> checks(count - 1));
  }

  private Future<Void> assertSageDescription(String expected) {
    return get("sage").map(view -> {
      assertEquals(expected, view.description());
      return null;
    });
  }

  private Future<AgentView> get(String id) {
    return bus.<AgentView>request(Addresses.AGENT_GET, new AgentRef(id)).map(Message::body);
  }

  private Future<AgentList> list() {
    return bus.<AgentList>request(Addresses.AGENT_LIST, Empty.INSTANCE).map(Message::body);
  }

  // ---- files (blocking: worker threads or the test thread only) ----

  /** Replaces {@code name} in one step, as a deployment should: the watcher never sees half a file. */
  private Path write(String name, String content) throws IOException {
    Path next = Files.writeString(dir.resolve(name + ".next"), content);
    return Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path writeAt(String name, String content, FileTime time) throws IOException {
    Path next = Files.writeString(dir.resolve(name + ".next"), content);
    Files.setLastModifiedTime(next, time);
    return Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Moves the file's time on (by a second, so no timestamp granularity can hide it), its content unchanged. */
  private Path touch(String name) throws IOException {
    Path file = dir.resolve(name);
    FileTime time = Files.getLastModifiedTime(file);
    return Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 1_000));
  }

  private static String builtInText(String file) throws IOException {
    try (InputStream in = AgentLoader.class.getClassLoader().getResourceAsStream(AgentLoader.BUILT_IN_FOLDER + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- observations ----

  private static List<String> names(AgentList list) {
    return list.agents().stream().map(AgentView::name).toList();
  }

  private List<ILoggingEvent> events(Level level) {
    return log.list.stream().filter(event -> event.getLevel() == level).toList();
  }

  private List<String> messages(Level level) {
    return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static Logger watcherLogger() {
    return (Logger) LoggerFactory.getLogger(AgentsWatcher.class);
  }
}
