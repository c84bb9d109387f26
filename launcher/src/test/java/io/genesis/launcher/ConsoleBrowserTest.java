package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console at {@code /}, used as a person would, in headless Chromium: Debian's {@code chromium}
 * driven by {@code playwright-core} ({@code tools/browser-test/console-e2e.mjs}, whose lines say each step:
 * a development token in one click, the agents, a handoff streamed token by token over SSE and over the
 * WebSocket, a reload showing the stored reply as it streamed, a cut stream resumed, older messages on
 * scrolling up, older sessions, closing a session, a refused and an expired token, 503s in words, a
 * phone-sized screen, and the rate limit with its wait).
 * Screenshots go to {@code target/browser-test/}. Skipped, saying why, where Chromium, node or the npm
 * package is missing; {@code .ci/run} installs them and sets {@value #REQUIRED}, and then it must run.
 */
@DisplayName("The web console in headless Chromium")
class ConsoleBrowserTest {
  private static final Path TOOL = Path.of("..", "tools", "browser-test");
  private static final Path OUT = Path.of("target", "browser-test");
  /** Set by .ci/run once it has installed Chromium and playwright-core: a missing one then fails the test. */
  private static final String REQUIRED = "GENESIS_REQUIRE_BROWSER";
  /** The second GENESIS's limit: the page's own requests reach it within a few messages. */
  private static final String SMALL_LIMIT = "6";

  @TempDir
  static Path dataDir;
  @TempDir
  static Path limitedDataDir;

  @Test
  @DisplayName("sign in, pick an agent, watch a handoff stream in, reload, resume, page back, and meet the rate limit")
  void console() throws IOException, InterruptedException {
    Path chromium = chromium();
    Path node = onPath("node");
    boolean installed = Files.isDirectory(TOOL.resolve(Path.of("node_modules", "playwright-core")));
    List<String> missing = new ArrayList<>();
    if (chromium == null) {
      missing.add("Chromium (apt-get install chromium)");
    }
    if (node == null) {
      missing.add("node");
    }
    if (!installed) {
      missing.add("playwright-core (npm ci in tools/browser-test)");
    }
    if (!missing.isEmpty() && "true".equals(System.getenv(REQUIRED))) {
      throw new AssertionError(REQUIRED + " is set but these are missing: " + String.join(", ", missing));
    }
    assumeTrue(missing.isEmpty(), "the browser test needs " + String.join(", ", missing) + "; .ci/run installs them");

    Genesis genesis = TestApp.start(dataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "10"));
    Genesis limited = TestApp.start(limitedDataDir, Map.of("GENESIS_RATE_LIMIT_PER_MINUTE", SMALL_LIMIT));
    Vertx vertx = Vertx.vertx();
    try {
      String limitedToken = new Tokens(vertx, TestApp.SECRET).issue("console-rl-" + UUID.randomUUID(), List.of("user"), 600).token();
      long now = Instant.now().getEpochSecond();
      String expiredToken = JwtForge.hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"),
          new JsonObject().put("sub", "console-expired").put("roles", new JsonArray().add("user")).put("iat", now - 3_700)
              .put("exp", now - 100), TestApp.SECRET.getBytes(StandardCharsets.UTF_8));
      Files.createDirectories(OUT);
      Path log = OUT.resolve("console-e2e.log");
      ProcessBuilder builder = new ProcessBuilder(node.toString(), "console-e2e.mjs").directory(TOOL.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(Map.of(
          "GENESIS_URL", "http://127.0.0.1:" + genesis.httpPort(),
          "GENESIS_RL_URL", "http://127.0.0.1:" + limited.httpPort(),
          "GENESIS_RL_TOKEN", limitedToken,
          "GENESIS_EXPIRED_TOKEN", expiredToken,
          "CHROMIUM", chromium.toString(),
          "OUT_DIR", OUT.toAbsolutePath().toString()));
      Process process = builder.start();
      boolean finished = process.waitFor(5, TimeUnit.MINUTES);
      if (!finished) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(output);
      assertTrue(finished, () -> "the browser test did not finish in 5 minutes:\n" + output);
      assertEquals(0, process.exitValue(), () -> "the browser test failed:\n" + output);
      assertTrue(output.contains("ok - no uncaught error"), output);
      assertTrue(Files.size(OUT.resolve("console-desktop.png")) > 10_000, "a screenshot was taken");
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10));
      limited.close();
      genesis.close();
    }
  }

  /** {@code GENESIS_CHROMIUM}, else Debian's {@code chromium} (or {@code chromium-browser}) on the path. */
  private static Path chromium() {
    String configured = System.getenv("GENESIS_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
    }
    Path found = onPath("chromium");
    return found != null ? found : onPath("chromium-browser");
  }

  private static Path onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst().orElse(null);
  }
}
