package io.genesis.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.definition.AgentDefinitionException;
import io.genesis.common.bus.Messages.AgentView;
import io.genesis.common.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class AgentRegistryTest {
  private static final List<String> BUILT_IN = List.of("blaze", "sage", "stella", "nova", "aura", "wave", "volt");

  @TempDir
  Path dir;

  @Test
  @DisplayName("the built-in registry has the seven agents in display order, upper-case names, a 16-hex version")
  void builtIn() {
    AgentRegistry registry = TestAgents.builtIn();
    assertEquals(BUILT_IN, registry.views().stream().map(AgentView::id).toList());
    registry.definitions().forEach(agent -> {
      assertEquals(agent.id().toUpperCase(java.util.Locale.ROOT), agent.name());
      assertTrue(agent.offline(), agent.id());
      assertEquals(6, agent.handoffTargets().size(), agent.id());
    });
    assertTrue(registry.version().matches("[0-9a-f]{16}"), registry.version());
    assertEquals(registry.version(), AgentLoader.builtIn().version());
    assertEquals("sage", registry.find(" SAGE ").orElseThrow().id());
  }

  @Test
  @DisplayName("a directory of definitions loads in file-name order; the version follows the content")
  void directory(Vertx vertx, VertxTestContext ctx) throws IOException {
    Files.writeString(dir.resolve("01-sage.json"), withTargets(builtInText("sage.json"), "wave"));
    Files.writeString(dir.resolve("02-wave.json"), withTargets(builtInText("wave.json"), "sage"));
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    String builtInVersion = TestAgents.builtIn().version();
    AgentLoader.loadDirectory(vertx, dir.toString()).onComplete(ctx.succeeding(registry -> ctx.verify(() -> {
      assertEquals(List.of("sage", "wave"), registry.views().stream().map(AgentView::id).toList());
      assertNotEquals(builtInVersion, registry.version());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a bad file fails the load with a message naming the file and the field")
  void badFile(Vertx vertx, VertxTestContext ctx) throws IOException {
    Files.writeString(dir.resolve("sage.json"), withTargets(builtInText("sage.json"), "wave"));
    String bad = builtInText("wave.json").replace("\"insomnia\": 4", "\"insomnia\": 9");
    Files.writeString(dir.resolve("wave.json"), bad);
    AgentLoader.load(vertx, dir.toString()).onComplete(ctx.failing(error -> ctx.verify(() -> {
      AgentDefinitionException e = assertInstanceOf(AgentDefinitionException.class, error);
      assertEquals(dir.resolve("wave.json").toString(), e.source());
      assertEquals("keywords.insomnia", e.field());
      assertEquals("agent definition " + dir.resolve("wave.json") + ": field 'keywords.insomnia': weight must be a "
          + "whole number from 1 to 5 (got 9)", e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("broken JSON fails the directory load naming the file")
  void brokenJson(Vertx vertx, VertxTestContext ctx) throws IOException {
    Files.writeString(dir.resolve("broken.json"), "{\"id\": \"x\",");
    AgentLoader.load(vertx, dir.toString()).onComplete(ctx.failing(error -> ctx.verify(() -> {
      assertTrue(error.getMessage().startsWith("agent definition " + dir.resolve("broken.json")
          + ": is not valid JSON"), error.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a missing field, an unknown calculator and an unknown handoff target are each named")
  void badFields() throws IOException {
    assertBadField("{\"id\":\"zed\",\"name\":\"ZED\"}", "specialty", "is required");
    assertBadField("{\"id\":\"Zed\"}", "id", "must be lower-case");
    String sage = builtInText("sage.json");
    assertBadField(sage.replace("\"blaze\",", "\"zeus\","), "handoffTargets[0]", "no agent with id 'zeus' is defined");
    assertBadField(sage.replace("\"nutrition\"\n  ]", "\"astrology\"\n  ]"), "calculators[0]",
        "unknown calculator 'astrology'");
    assertBadField(sage.replace("\"openers\": [", "\"openers\": [1, "), "voice.openers[0]", "must be a non-blank string");
  }

  @Test
  @DisplayName("maxTokens is optional: a whole number from 1 becomes the agent's max_tokens; anything else is named")
  void maxTokens() throws IOException {
    String sage = builtInText("sage.json");
    String withMax = sage.replace("\"model\": null,", "\"model\": null,\n  \"maxTokens\": 256,");
    assertEquals(256, io.genesis.agent.definition.AgentDefinitionParser.parse("sage.json",
        withMax.getBytes(StandardCharsets.UTF_8)).definition().maxTokens());
    assertEquals(null, io.genesis.agent.definition.AgentDefinitionParser.parse("sage.json",
        sage.getBytes(StandardCharsets.UTF_8)).definition().maxTokens());
    assertBadField(sage.replace("\"model\": null,", "\"model\": null,\n  \"maxTokens\": 0,"), "maxTokens",
        "must be a whole number from 1");
    assertBadField(sage.replace("\"model\": null,", "\"model\": null,\n  \"maxTokens\": \"many\","), "maxTokens",
        "must be a whole number from 1");
  }

  @Test
  @DisplayName("a missing directory is a configuration error naming GENESIS_AGENTS_DIR")
  void missingDirectory(Vertx vertx, VertxTestContext ctx) {
    AgentLoader.load(vertx, dir.resolve("nope").toString()).onComplete(ctx.failing(error -> ctx.verify(() -> {
      assertInstanceOf(ConfigException.class, error);
      assertTrue(error.getMessage().startsWith("GENESIS_AGENTS_DIR: directory"), error.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a reload swaps the whole snapshot at once")
  void liveRegistrySwap() {
    AgentRegistry first = TestAgents.builtIn();
    LiveRegistry live = new LiveRegistry(first);
    AgentRegistry second = AgentLoader.builtIn();
    assertSame(first, live.replace(second));
    assertSame(second, live.current());
  }

  private void assertBadField(String json, String field, String problem) throws IOException {
    Path file = dir.resolve("case.json");
    Files.writeString(file, json);
    AgentDefinitionException e = org.junit.jupiter.api.Assertions.assertThrows(AgentDefinitionException.class,
        () -> AgentRegistry.of(List.of(io.genesis.agent.definition.AgentDefinitionParser.parse(file.toString(),
            Files.readAllBytes(file)))));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(file + ": field '" + field + "': " + problem), e.getMessage());
  }

  /** The definition with its handoff targets replaced by {@code targets}. */
  private static String withTargets(String json, String... targets) {
    String list = String.join(", ", java.util.Arrays.stream(targets).map(t -> "\"" + t + "\"").toList());
    return json.replaceAll("(?s)\"handoffTargets\": \\[[^\\]]*\\]", "\"handoffTargets\": [" + list + "]");
  }

  private static String builtInText(String resource) throws IOException {
    try (InputStream in = AgentRegistryTest.class.getClassLoader().getResourceAsStream("agents/" + resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
