package io.genesis.gateway.openapi;

import io.genesis.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OpenAPI 3.1 document of the public API ({@code openapi.json} on the class path): served at
 * {@code GET /openapi.json}, and the contract every request is validated against before its route runs.
 *
 * <p>Operations (and parameters, responses) marked {@code x-genesis-status: planned} are part of the
 * contract but not served yet: they are not validated, and the router answers them 404 or 405 until a
 * later step builds them and drops the mark.
 */
public final class OpenApi {
  public static final String RESOURCE = "openapi.json";
  static final String STATUS = "x-genesis-status";
  static final String PLANNED = "planned";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("public, max-age=300");
  private static final List<HttpMethod> METHOD_ORDER = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE);

  private final Buffer document;
  private final String etag;
  private final OpenAPIContract contract;
  private final RequestValidation validation;

  private OpenApi(Buffer document, OpenAPIContract contract) {
    this.document = document;
    this.etag = "\"" + Integer.toHexString(document.hashCode()) + "\"";
    this.contract = contract;
    this.validation = new RequestValidation(contract);
  }

  /** Reads the document (on a worker: class-path reads block) and builds the contract from it. */
  public static Future<OpenApi> load(Vertx vertx) {
    return vertx.executeBlocking(OpenApi::readResource).compose(bytes -> {
      JsonObject raw = new JsonObject(bytes);
      return OpenAPIContract.from(vertx, forValidation(raw)).map(contract -> new OpenApi(bytes, contract));
    });
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** {@code GET /openapi.json}: the document as written, public. */
  public void serve(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
    String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(document);
  }

  /**
   * Reads the body (with {@code jsonBody}: 415 for another media type, 413 over the limit) when the
   * request's operation takes one; passes every other request on untouched.
   */
  public Handler<RoutingContext> bodyReader(Handler<RoutingContext> jsonBody) {
    return ctx -> {
      Operation operation = validation.operation(ctx);
      if (operation != null && operation.getRequestBody() != null) {
        jsonBody.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** Validates the request against its operation: a 400 problem naming every bad field, else on to the route. */
  public Handler<RoutingContext> validator() {
    return validation;
  }

  /** The router's 405 handler: a problem with {@code Allow} listing the methods the path answers. */
  public void methodNotAllowed(RoutingContext ctx) {
    String allow = allowed(RequestValidation.lookupPath(ctx.normalizedPath()));
    if (!allow.isEmpty()) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    }
    Problems.handleFailure(ctx);
  }

  /** The methods of the built (not planned) operations of the path, e.g. {@code GET, DELETE}. */
  String allowed(String urlPath) {
    Path path = contract.findPath(urlPath);
    if (path == null) {
      return "";
    }
    List<HttpMethod> methods = path.getOperations().stream()
        .filter(operation -> !isPlanned(operation.getExtensions()))
        .map(Operation::getHttpMethod)
        .toList();
    return METHOD_ORDER.stream().filter(methods::contains).map(HttpMethod::name).collect(Collectors.joining(", "));
  }

  static boolean isPlanned(Map<String, Object> extensions) {
    return PLANNED.equals(extensions.get(STATUS));
  }

  private static Buffer readResource() {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The copy Vert.x's contract model is built from. vertx-openapi 5.0.8 refuses response media types
   * it cannot validate ({@code application/problem+json}, {@code text/event-stream}, {@code text/html});
   * responses are not validated here, so their content is dropped from this copy (the served document
   * keeps it).
   */
  static JsonObject forValidation(JsonObject raw) {
    JsonObject copy = raw.copy();
    // The router matches paths as written; the servers tell clients where the document came from.
    copy.remove("servers");
    copy.getJsonObject("paths", new JsonObject()).forEach(pathEntry -> {
      if (pathEntry.getValue() instanceof JsonObject item) {
        item.forEach(opEntry -> {
          if (opEntry.getValue() instanceof JsonObject op && op.getValue("responses") instanceof JsonObject responses) {
            responses.forEach(r -> stripUnsupported(r.getValue()));
          }
          // vertx-openapi 5.0.8 refuses application/merge-patch+json too: the body reader checked the media type,
          // the body is JSON, and its schema is validated as such.
          if (opEntry.getValue() instanceof JsonObject op && op.getValue("requestBody") instanceof JsonObject body
              && body.getValue("content") instanceof JsonObject content && content.containsKey(MERGE_PATCH)) {
            content.put("application/json", content.remove(MERGE_PATCH));
          }
        });
      }
    });
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    components.getJsonObject("responses", new JsonObject()).forEach(r -> stripUnsupported(r.getValue()));
    return copy;
  }

  private static void stripUnsupported(Object response) {
    if (response instanceof JsonObject object && object.getValue("content") instanceof JsonObject content) {
      content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
      if (content.isEmpty()) {
        object.remove("content");
      }
    }
  }
}
