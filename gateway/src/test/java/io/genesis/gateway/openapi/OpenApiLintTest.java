package io.genesis.gateway.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} is what people import into their tools and generators: it lints clean with
 * Redocly's recommended rules. The rules it once broke are checked here on the JVM, so they hold
 * without node; the linter itself runs where {@code .ci/run} installed it ({@code tools/openapi-lint}).
 */
@DisplayName("The OpenAPI document lints clean (Redocly's recommended rules)")
class OpenApiLintTest {
  private static final Path LINT = Path.of("..", "tools", "openapi-lint");
  private static final Path DOCUMENT = Path.of("src", "main", "resources", OpenApi.RESOURCE);
  /** Set by .ci/run once it has installed the linter: then a missing linter fails instead of skipping. */
  private static final String REQUIRED = "GENESIS_REQUIRE_OPENAPI_LINT";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static JsonObject document;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = OpenApiLintTest.class.getClassLoader().getResourceAsStream(OpenApi.RESOURCE)) {
      document = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static List<JsonObject> operations() {
    List<JsonObject> operations = new ArrayList<>();
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(entry -> {
      if (METHODS.contains(entry.getKey())) {
        operations.add(((JsonObject) entry.getValue()).copy().put("x-where", entry.getKey() + " " + path.getKey()));
      }
    }));
    return operations;
  }

  @Test
  @DisplayName("servers is present and not empty (no-empty-servers)")
  void servers() {
    JsonArray servers = document.getJsonArray("servers", new JsonArray());
    assertFalse(servers.isEmpty());
    servers.forEach(server -> assertFalse(((JsonObject) server).getString("url", "").isBlank(), server::toString));
  }

  @Test
  @DisplayName("every tag is declared with a description (tag-description, operation-tag-defined)")
  void tags() {
    Set<String> declared = new HashSet<>();
    document.getJsonArray("tags").forEach(tag -> {
      JsonObject t = (JsonObject) tag;
      assertFalse(t.getString("description", "").isBlank(), () -> "tag " + t.getString("name") + " has no description");
      declared.add(t.getString("name"));
    });
    operations().forEach(op -> op.getJsonArray("tags", new JsonArray()).forEach(tag ->
        assertTrue(declared.contains((String) tag), () -> op.getString("x-where") + " uses undeclared tag " + tag)));
  }

  @Test
  @DisplayName("every operation has a 2XX (or default) answer (operation-2xx-response)")
  void successAnswers() {
    operations().forEach(op -> assertTrue(op.getJsonObject("responses").fieldNames().stream()
        .anyMatch(status -> status.equals("default") || status.matches("2[0-9Xx]{2}")), () -> op.getString("x-where")));
  }

  @Test
  @DisplayName("every component is used by a reference outside x- extensions (no-unused-components)")
  void noUnusedComponents() {
    Set<String> used = new HashSet<>();
    JsonObject withoutComponents = document.copy();
    withoutComponents.remove("components");
    List<Object> pending = new ArrayList<>(List.of(withoutComponents));
    while (!pending.isEmpty()) {
      Object node = pending.remove(pending.size() - 1);
      if (node instanceof JsonObject object) {
        if (object.getValue("$ref") instanceof String ref && ref.startsWith("#/components/") && used.add(ref)) {
          pending.add(target(ref));
        }
        // security requirements name their schemes instead of referring to them
        object.getJsonArray("security", new JsonArray()).forEach(requirement ->
            ((JsonObject) requirement).fieldNames().forEach(scheme -> used.add("#/components/securitySchemes/" + scheme)));
        object.forEach(entry -> {
          if (!entry.getKey().startsWith("x-")) {
            pending.add(entry.getValue());
          }
        });
      } else if (node instanceof JsonArray array) {
        array.forEach(pending::add);
      }
    }
    Set<String> unused = new TreeSet<>();
    document.getJsonObject("components").forEach(kind -> ((JsonObject) kind.getValue()).fieldNames()
        .forEach(name -> unused.add("#/components/" + kind.getKey() + "/" + name)));
    unused.removeAll(used);
    assertEquals(Set.of(), unused);
  }

  @Test
  @DisplayName("a discriminator only over named ($ref) schemas, which it can select (no-illogical-composition-keywords)")
  void discriminators() {
    List<Object> pending = new ArrayList<>(List.of(document));
    while (!pending.isEmpty()) {
      Object node = pending.remove(pending.size() - 1);
      if (node instanceof JsonObject object) {
        if (object.containsKey("discriminator")) {
          for (String keyword : List.of("oneOf", "anyOf")) {
            object.getJsonArray(keyword, new JsonArray()).forEach(member -> assertTrue(((JsonObject) member).containsKey("$ref"),
                () -> "a discriminator cannot select an inline schema: " + member));
          }
        }
        object.forEach(entry -> pending.add(entry.getValue()));
      } else if (node instanceof JsonArray array) {
        array.forEach(pending::add);
      }
    }
  }

  @Test
  @DisplayName("redocly lint with the recommended rules: no error, no warning")
  void redocly() throws IOException, InterruptedException {
    Path redocly = LINT.resolve(Path.of("node_modules", ".bin", "redocly"));
    boolean installed = Files.isExecutable(redocly);
    if (!installed && "true".equals(System.getenv(REQUIRED))) {
      throw new AssertionError(REQUIRED + " is set but " + redocly + " is missing: run npm ci in tools/openapi-lint");
    }
    assumeTrue(installed, "Redocly CLI is not installed (npm ci in tools/openapi-lint, as .ci/run does)");
    ProcessBuilder builder = new ProcessBuilder(redocly.toString(), "lint", "--config", LINT.resolve("redocly.yaml").toString(),
        "--format", "json", DOCUMENT.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("REDOCLY_TELEMETRY", "off");
    builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "redocly finished");
    JsonObject report = new JsonObject(output.substring(output.indexOf('{')));
    assertEquals(new JsonObject().put("errors", 0).put("warnings", 0).put("ignored", 0), report.getJsonObject("totals"),
        () -> report.getJsonArray("problems").encodePrettily());
    assertEquals(0, process.exitValue(), output);
  }

  private static Object target(String ref) {
    Object node = document;
    for (String segment : ref.substring(2).split("/")) {
      node = ((JsonObject) node).getValue(segment.replace("~1", "/").replace("~0", "~"));
    }
    return node;
  }
}
