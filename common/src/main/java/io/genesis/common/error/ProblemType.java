package io.genesis.common.error;

/** The kinds of problem GENESIS answers with, and their HTTP status. */
public enum ProblemType {
  VALIDATION(400, "validation", "Invalid request"),
  BAD_REQUEST(400, "bad-request", "Bad request"),
  UNAUTHORIZED(401, "unauthorized", "Authentication required"),
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
  CONFLICT(409, "conflict", "Conflict"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request body too large"),
  URI_TOO_LONG(414, "uri-too-long", "Request line too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  UNPROCESSABLE(422, "unprocessable", "Unprocessable request"),
  UPGRADE_REQUIRED(426, "upgrade-required", "Upgrade required"),
  TOO_MANY_REQUESTS(429, "too-many-requests", "Too many requests"),
  HEADERS_TOO_LARGE(431, "headers-too-large", "Request headers too large"),
  INTERNAL(500, "internal", "Internal error"),
  BAD_GATEWAY(502, "bad-gateway", "Bad gateway"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  TIMEOUT(504, "timeout", "Upstream timeout");

  private static final String PREFIX = "urn:genesis:problem:";

  private final int status;
  private final String slug;
  private final String title;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String uri() {
    return PREFIX + slug;
  }

  public String title() {
    return title;
  }

  public static ProblemType forStatus(int status) {
    for (ProblemType type : values()) {
      if (type.status == status && type != VALIDATION) {
        return type;
      }
    }
    return status >= 500 ? INTERNAL : BAD_REQUEST;
  }
}
