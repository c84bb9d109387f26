package io.genesis.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The console's files agree with each other, with {@link Console} and with {@code /openapi.json}; none is inline. */
@DisplayName("The web console's files")
class ConsoleFilesTest {
  private static final Pattern IMPORT = Pattern.compile("from '\\./([a-z-]+\\.js)'");
  private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"console/([a-z-]+\\.(?:js|css))\"");

  private static String read(String name) throws IOException {
    try (InputStream in = ConsoleFilesTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("the asset enum of /openapi.json lists exactly the served assets")
  void documented() throws IOException {
    JsonObject document = new JsonObject(read("openapi.json"));
    JsonArray parameters = document.getJsonObject("paths").getJsonObject("/console/{asset}").getJsonObject("get")
        .getJsonArray("parameters");
    JsonObject asset = (JsonObject) parameters.stream().filter(p -> "asset".equals(((JsonObject) p).getString("name")))
        .findFirst().orElseThrow();
    assertEquals(Set.copyOf(Console.ASSETS), Set.copyOf(asset.getJsonObject("schema").getJsonArray("enum").getList()));
    assertFalse(document.getJsonObject("paths").getJsonObject("/").getJsonObject("get").containsKey("x-genesis-status"));
  }

  @Test
  @DisplayName("the page and its modules reach every asset and only listed ones")
  void everyAssetUsed() throws IOException {
    Set<String> reached = new HashSet<>();
    Matcher page = REFERENCE.matcher(read(Console.WEBROOT + Console.PAGE));
    while (page.find()) {
      reached.add(page.group(1));
    }
    List<String> pending = new ArrayList<>(reached);
    while (!pending.isEmpty()) {
      String name = pending.remove(0);
      if (name.endsWith(".js")) {
        Matcher imports = IMPORT.matcher(read(Console.WEBROOT + name));
        while (imports.find()) {
          if (reached.add(imports.group(1))) {
            pending.add(imports.group(1));
          }
        }
      }
    }
    assertEquals(Set.copyOf(Console.ASSETS), reached);
  }

  @Test
  @DisplayName("no inline script, style or event handler: the page runs under script-src and style-src 'self'")
  void nothingInline() throws IOException {
    String html = read(Console.WEBROOT + Console.PAGE);
    assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find(), "inline script");
    assertFalse(html.contains("<style"), "style element");
    assertFalse(Pattern.compile("\\sstyle=").matcher(html).find(), "style attribute");
    assertFalse(Pattern.compile("\\son[a-z]+=").matcher(html).find(), "event handler attribute");
    for (String asset : Console.ASSETS) {
      if (asset.endsWith(".js")) {
        String script = read(Console.WEBROOT + asset);
        assertFalse(script.contains("innerHTML") || script.contains("eval("), asset + " builds HTML from text");
      }
    }
  }

  @Test
  @DisplayName("If-None-Match compares weakly, lists and * included")
  void etags() {
    String etag = "W/\"abc\"";
    assertTrue(Console.matches("W/\"abc\"", etag));
    assertTrue(Console.matches("\"abc\"", etag));
    assertTrue(Console.matches("\"x\", W/\"abc\"", etag));
    assertTrue(Console.matches("*", etag));
    assertFalse(Console.matches("\"abd\"", etag));
    assertFalse(Console.matches(null, etag));
    assertEquals("text/javascript; charset=utf-8", Console.contentType("app.js"));
  }
}
