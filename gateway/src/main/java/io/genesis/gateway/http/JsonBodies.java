package io.genesis.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * Request bodies: only JSON objects are accepted ({@code 415} otherwise, {@code 400} when malformed): as
 * {@code application/json}, and for {@code PATCH} (a JSON Merge Patch, RFC 7396) as {@code application/merge-patch+json} only.
 */
public final class JsonBodies {
  private static final String PARSED = "genesis.body.json";
  /** The media type of a JSON Merge Patch (RFC 7396). */
  public static final String MERGE_PATCH = "application/merge-patch+json";

  private JsonBodies() {}

  /** Keeps a body already parsed (by the OpenAPI validation) so {@link #object} does not parse it again. */
  public static void remember(RoutingContext ctx, JsonObject body) {
    ctx.put(PARSED, body);
  }

  /**
   * Reads a JSON body of at most {@code maxBytes} ({@code 413} beyond): a body of another type is
   * refused with {@code 415} before any of it is read.
   */
  public static Handler<RoutingContext> reader(long maxBytes) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBytes);
    return ctx -> {
      HttpServerRequest request = ctx.request();
      String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
      String expected = request.method() == HttpMethod.PATCH ? MERGE_PATCH : "application/json";
      if ((type == null && !hasBody(request)) || (type != null && mediaType(type).equalsIgnoreCase(expected))) {
        body.handle(ctx);
      } else {
        ctx.fail(new HttpException(415, "Content-Type must be " + expected));
      }
    };
  }

  /** The body as a JSON object; an absent body counts as {@code {}}. */
  public static JsonObject object(RoutingContext ctx) {
    JsonObject validated = ctx.get(PARSED);
    if (validated != null) {
      return validated;
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw InvalidRequest.of("body", "is not valid JSON");
    }
    if (parsed instanceof JsonObject object) {
      return object;
    }
    throw InvalidRequest.of("body", "must be a JSON object");
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !"0".equals(length.trim())) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }
}
