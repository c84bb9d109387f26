package io.genesis.gateway.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web chat console: {@code GET /} (the page) and {@code GET /console/{asset}} (its scripts and style),
 * plain files from {@code webroot/} on the class path, read once at start (on a worker) and served from
 * memory. Each answer carries an ETag and {@code Cache-Control: no-cache} (the browser keeps the file and
 * asks each time whether it changed: a {@code 304} until the next release), is compressed like the API's
 * answers (by the HTTP server, past its size threshold), and carries the console's own
 * Content-Security-Policy in place of the API's: scripts, styles and connections from this origin only,
 * nothing inline. The page talks to the API like any other client; nothing of the API serves it alone.
 */
public final class Console {
  /** Where the files are on the class path. */
  static final String WEBROOT = "webroot/";
  static final String PAGE = "index.html";
  /** The files under {@code /console/}: the same list as the {@code asset} enum of {@code /openapi.json}. */
  public static final List<String> ASSETS = List.of("app.js", "api.js", "stream.js", "view.js", "style.css");
  static final String PATH = "/console/:asset";
  /**
   * The page's policy: its own scripts, styles and connections (fetch, WebSocket) only, nothing inline, no
   * plugins, frames, forms or base URL; images only its own and data: URLs (the empty favicon).
   */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final CharSequence CSP_NAME = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence CSP_VALUE = HttpHeaders.createOptimized(CSP);
  private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
  private static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");

  /** One file, ready to send: its bytes, media type and validator. */
  record File(Buffer body, CharSequence contentType, String etag) {}

  private final Map<String, File> files;

  private Console(Map<String, File> files) {
    this.files = files;
  }

  /** Reads the files (class-path reads block: on a worker). */
  public static Future<Console> load(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      Map<String, File> files = new LinkedHashMap<>();
      files.put(PAGE, read(PAGE));
      for (String asset : ASSETS) {
        files.put(asset, read(asset));
      }
      return new Console(files);
    });
  }

  public void mount(Router router) {
    router.get("/").handler(ctx -> send(ctx, files.get(PAGE)));
    router.get(PATH).handler(ctx -> {
      File file = files.get(ctx.pathParam("asset"));
      if (file == null || PAGE.equals(ctx.pathParam("asset"))) {
        ctx.next(); // the router's 404 problem
      } else {
        send(ctx, file);
      }
    });
  }

  private static void send(RoutingContext ctx, File file) {
    HttpServerResponse response = ctx.response();
    response.headers().set(CSP_NAME, CSP_VALUE)
        .set(HttpHeaders.CACHE_CONTROL, NO_CACHE)
        .set(HttpHeaders.ETAG, file.etag())
        .set(HttpHeaders.VARY, ACCEPT_ENCODING);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), file.etag())) {
      response.setStatusCode(304).end();
    } else {
      response.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, file.contentType()).end(file.body());
    }
  }

  /** {@code If-None-Match} by weak comparison (RFC 9110 13.1.2): the ETag is weak, as compression changes the bytes. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = etag.substring(2);
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || tag.equals(etag) || tag.equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  private static File read(String name) {
    try (InputStream in = Console.class.getClassLoader().getResourceAsStream(WEBROOT + name)) {
      if (in == null) {
        throw new IllegalStateException(WEBROOT + name + " is not on the class path");
      }
      byte[] bytes = in.readAllBytes();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
      return new File(Buffer.buffer(bytes), HttpHeaders.createOptimized(contentType(name)), "W/\"" + hash + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    throw new IllegalArgumentException("no media type for " + name);
  }
}
