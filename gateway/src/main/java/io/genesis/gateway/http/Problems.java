package io.genesis.gateway.http;

import io.genesis.common.error.Problem;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure into an RFC 9457 {@code application/problem+json} answer. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final CharSequence PROBLEM_JSON = HttpHeaders.createOptimized(Problem.MEDIA_TYPE);
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");

  private Problems() {}

  public static void send(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    } else if ((problem.status() == 503 || problem.status() == 429) && !response.headers().contains(RETRY_AFTER)) {
      // A default; a handler that knows better (the rate limiter: seconds until a slot frees) sets its own.
      response.putHeader(RETRY_AFTER, "1");
    }
    response.end(Json.toBuffer(problem.withInstance(ctx.request().path())));
  }

  public static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, Problem.of(status, detail));
  }

  /** The router's failure handler: maps whatever failed the request to a problem. */
  public static void handleFailure(RoutingContext ctx) {
    send(ctx, toProblem(ctx));
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof InvalidRequest invalid) {
      return Problem.validation(invalid.errors());
    }
    if (failure instanceof ServiceException service) {
      if (service.status() >= 500) {
        LOG.warn("request {} {} failed: {}", ctx.request().method(), ctx.request().path(), service.getMessage());
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
    LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return Problem.of(500, "unexpected error; the request id identifies it in the logs");
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
      default -> "request failed";
    };
  }
}
