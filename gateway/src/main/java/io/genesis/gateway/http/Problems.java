package io.genesis.gateway.http;

import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.openai.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.genesis.common.id.Ids;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.genesis.common.log.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an RFC 9457 {@code application/problem+json} answer, or, under {@code /v1}
 * (the OpenAI-compatible routes), into OpenAI's error shape ({@link OpenAiError}) so OpenAI SDKs raise the
 * right exception. This is the one place that chooses the shape.
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  /** 503s come in floods under overload: a line a second with a count, not one per request. */
  private static final ThrottledLog UNAVAILABLE = ThrottledLog.warn(LOG);
  private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  /** The longest request line answered (as Netty's default); longer gets 414. */
  public static final int MAX_REQUEST_LINE = 4096;
  /** The HTTP decoder's own limit: a longer line is refused before its path is known. */
  public static final int DECODER_MAX_REQUEST_LINE = 65_536;
  /** Two spaces and {@code HTTP/1.1}. */
  private static final int REQUEST_LINE_OVERHEAD = 10;
  private static final String REQUEST_LINE_TOO_LONG = "request line too long";
  /** The target Netty gives a request whose first line it could not read. */
  private static final String DECODER_PLACEHOLDER_URI = "/bad-request";

  private Problems() {}

  public static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    boolean openAi = OpenAiError.covers(routedPath(ctx));
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, openAi ? Responses.APPLICATION_JSON : PROBLEM_JSON);
    if (!response.headers().contains(RequestIds.X_REQUEST_ID)) {
      // refused before the request-id handler ran (e.g. no Host header)
      response.putHeader(RequestIds.X_REQUEST_ID, Ids.newId().toString()).putHeader("X-Content-Type-Options", "nosniff");
    }
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    } else if (retryable(problem.status()) && !response.headers().contains(RETRY_AFTER)) {
      // A default; a handler that knows better (the rate limiter: seconds until a slot frees) sets its own.
      response.putHeader(RETRY_AFTER, "1");
    }
    HttpServerRequest request = ctx.request();
    if (request.method() == HttpMethod.HEAD) {
      // A HEAD answer has no body: HTTP/1.1 drops it, but on HTTP/2 it would go out and the client resets the stream.
      response.end();
      return;
    }
    Buffer body = openAi ? Json.toBuffer(OpenAiError.of(problem, ctx.failure())) : Json.toBuffer(problem.withInstance(request.path()));
    if (request.isEnded() || request.version() == HttpVersion.HTTP_2) {
      response.end(body);
      return;
    }
    // Refused before its body was read (413, 415, 401 on a POST…): close rather than read and
    // discard whatever the client still sends, which could be endless.
    response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    response.end(body).onComplete(sent -> request.connection().close());
  }

  /** 429, 502, 503 and 504 say "try again later": they always carry {@code Retry-After} (or {@code retryAfterSeconds}). */
  public static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The detail of a failure on the server's side, with the request id that finds its log lines; the
   * detail itself names what failed in product terms, never another server's address or words.
   */
  public static String withRequestId(String detail, String requestId) {
    return requestId == null ? detail : detail + " (request id " + requestId + ")";
  }

  /** The path the router matched on; the raw one when it cannot be normalized (a malformed {@code %} escape). */
  private static String routedPath(RoutingContext ctx) {
    try {
      return ctx.normalizedPath();
    } catch (IllegalArgumentException malformed) {
      return ctx.request().path();
    }
  }

  public static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, Problem.of(status, detail));
  }

  /**
   * First check of every request: a request line (method, target, version) over {@link #MAX_REQUEST_LINE}
   * bytes is a 414 in the shape of its path. The HTTP decoder lets lines up to
   * {@link #DECODER_MAX_REQUEST_LINE} through so that this check, which knows the path, answers them.
   */
  public static void requestLineLimit(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_2
        && request.method().name().length() + request.uri().length() + REQUEST_LINE_OVERHEAD > MAX_REQUEST_LINE) {
      ctx.fail(new ServiceException(414, REQUEST_LINE_TOO_LONG));
    } else {
      ctx.next();
    }
  }

  /**
   * The HTTP server's handler for requests its decoder refused before any route could see them (a
   * request line over {@link #DECODER_MAX_REQUEST_LINE} bytes: 414; headers over 8192 bytes: 431;
   * anything malformed: 400): the shape of their path, then the connection closes. A request line the
   * decoder refused has no path to go by: its answer is a problem that carries OpenAI's {@code error}
   * member too, so both kinds of client read it.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String detail = switch (status) {
      case 414 -> REQUEST_LINE_TOO_LONG;
      case 431 -> "request header fields too large";
      default -> "malformed HTTP request";
    };
    Problem base = Problem.of(status, detail);
    boolean pathUnknown = cause instanceof TooLongHttpLineException || DECODER_PLACEHOLDER_URI.equals(request.uri());
    boolean openAi = !pathUnknown && OpenAiError.covers(request.path());
    Buffer body = openAi ? Json.toBuffer(OpenAiError.of(base, null))
        : pathUnknown ? new JsonObject(Json.toBuffer(base))
            .put("error", new JsonObject(Json.toBuffer(OpenAiError.of(base, null))).getValue("error")).toBuffer()
        : Json.toBuffer(base);
    HttpServerResponse response = request.response();
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, openAi ? Responses.APPLICATION_JSON : PROBLEM_JSON)
        .putHeader(RequestIds.X_REQUEST_ID, Ids.newId().toString())
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(done -> request.connection().close());
  }

  /**
   * The router's 400 handler: vertx-web refuses some requests while matching routes, before any
   * handler runs (a path or query that is not validly percent-encoded).
   */
  public static void handleBadRequest(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof InvalidRequest || failure instanceof ServiceException || failure instanceof HttpException) {
      handleFailure(ctx);
    } else {
      send(ctx, Problem.of(400, failure == null || failure.getMessage() == null ? "malformed request"
          : "malformed request: " + failure.getMessage()));
    }
  }

  /** The router's failure handler: maps whatever failed the request to a problem. */
  public static void handleFailure(RoutingContext ctx) {
    if (ctx.response().closed()) {
      // Nobody to answer: the client went away, or broke the framing of its body (Vert.x closed the connection).
      LOG.debug("request {} {} ended with its connection: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
      return;
    }
    send(ctx, toProblem(ctx));
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof InvalidRequest invalid) {
      return Problem.validation(invalid.errors());
    }
    if (failure instanceof ServiceException service) {
      if (service.retryAfterSeconds() > 0) {
        ctx.response().headers().set(RETRY_AFTER, Integer.toString(service.retryAfterSeconds()));
      }
      if (service.status() == 503) {
        UNAVAILABLE.log("request {} {} {} refused: {}", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
            service.getMessage());
        return Problem.of(service.status(), withRequestId(service.getMessage(), RequestIds.of(ctx)));
      }
      if (service.status() >= 500) {
        LOG.warn("request {} {} {} failed: {}", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
            service.getMessage());
        return Problem.of(service.status(), withRequestId(service.getMessage(), RequestIds.of(ctx)));
      }
      return Problem.of(service.status(), service.getMessage());
    }
    if (failure instanceof HttpException http) {
      return Problem.of(http.getStatusCode(), detailFor(http.getStatusCode(), http.getPayload()));
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400) {
      return Problem.of(status, detailFor(status, null));
    }
    if (status >= 400 && status < 500) {
      // vertx-web refusing the request itself, e.g. a path or query that is not validly percent-encoded
      return Problem.of(status, status == 400 ? "malformed request: " + failure.getMessage() : detailFor(status, null));
    }
    if (fromHttpDecoder(failure)) {
      // The body's framing is broken (e.g. a bad chunk size): the client's fault, and Vert.x closes the connection.
      LOG.debug("request {} {}: malformed body framing: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return Problem.of(400, "malformed request body framing");
    }
    LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Problem.of(500, "unexpected error; the request id identifies it in the logs");
  }

  private static boolean fromHttpDecoder(Throwable failure) {
    StackTraceElement[] trace = failure == null ? new StackTraceElement[0] : failure.getStackTrace();
    return trace.length > 0 && trace[0].getClassName().startsWith("io.netty.handler.codec.");
  }

  private static String detailFor(int status, String payload) {
    if (payload != null && !payload.isBlank()) {
      return payload;
    }
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      case 417 -> "only Expect: 100-continue is supported";
      default -> "request failed";
    };
  }
}
