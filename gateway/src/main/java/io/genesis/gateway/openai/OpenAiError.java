package io.genesis.gateway.openai;

import io.genesis.common.error.Problem;
import io.genesis.common.error.Problem.FieldError;
import io.genesis.common.error.ServiceException;
import io.genesis.gateway.http.Problems;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The error body of the routes under {@code /v1}: OpenAI's {@code {"error":{message,type,param,code}}},
 * with the HTTP status an OpenAI SDK maps to its exceptions (401 → authentication, 404 → not found…).
 */
public record OpenAiError(Detail error) {
  static final String INVALID_REQUEST = "invalid_request_error";

  /** {@code param} names the offending request field, {@code code} a machine-readable reason; both may be null. */
  public record Detail(String message, String type, String param, String code) {}

  /** Whether errors on {@code path} take this shape: everything under {@code /v1}. */
  public static boolean covers(String path) {
    return path != null && (path.startsWith("/v1/") || path.equals("/v1"));
  }

  /** The problem in OpenAI's words; {@code failure} (may be null) may name a param and a code of its own. */
  public static OpenAiError of(Problem problem, Throwable failure) {
    if (failure instanceof OpenAiException openAi) {
      return new OpenAiError(new Detail(openAi.getMessage(), openAi.type(), openAi.param(), openAi.code()));
    }
    List<FieldError> errors = problem.errors() == null ? List.of() : problem.errors();
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return new OpenAiError(new Detail(problem.detail(), type(problem.status()), null, code(problem.status())));
  }

  /** A failure that ends a stream already under way (the {@code data: {"error":…}} event). */
  public static OpenAiError of(ServiceException failure) {
    return of(Problem.of(failure.status(), failure.getMessage()), failure);
  }

  /** The same, a server-side failure carrying the request id that finds its log lines. */
  static OpenAiError of(ServiceException failure, String requestId) {
    String detail = failure.status() >= 500 ? Problems.withRequestId(failure.getMessage(), requestId) : failure.getMessage();
    return of(Problem.of(failure.status(), detail), failure);
  }

  /** A validation failure: {@code param} is the first bad field (none when the body as a whole is bad). */
  private static OpenAiError invalid(List<FieldError> errors) {
    FieldError first = errors.get(0);
    String message = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
    String param = "body".equals(first.field()) ? null : first.field();
    String code = switch (first.message()) {
      case "is required" -> "missing_required_parameter";
      case "is not allowed" -> "unknown_parameter";
      default -> "invalid_value";
    };
    return new OpenAiError(new Detail(message, INVALID_REQUEST, param, code));
  }

  static String type(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 429 -> "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      default -> status >= 500 ? "server_error" : INVALID_REQUEST;
    };
  }

  private static String code(int status) {
    return switch (status) {
      case 401 -> "invalid_api_key";
      case 429 -> "rate_limit_exceeded";
      case 503 -> "service_unavailable";
      default -> null;
    };
  }
}
