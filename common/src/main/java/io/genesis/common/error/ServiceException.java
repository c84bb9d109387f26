package io.genesis.common.error;

import io.vertx.core.eventbus.Message;

/**
 * A failure a service reports to its caller: {@code status} is the HTTP status the gateway answers
 * with. On the event bus it travels as {@code message.fail(status, detail)}.
 */
public class ServiceException extends RuntimeException {
  private final int status;
  private final int retryAfterSeconds;

  public ServiceException(int status, String detail) {
    this(status, detail, 0);
  }

  /** {@code retryAfterSeconds} > 0: the caller may try again after that long (a {@code Retry-After} header). */
  public ServiceException(int status, String detail, int retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /** Seconds after which a retry may succeed, or 0 when not known. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ServiceException notFound(String detail) {
    return new ServiceException(404, detail);
  }

  public static ServiceException badRequest(String detail) {
    return new ServiceException(400, detail);
  }

  public static ServiceException unavailable(String detail) {
    return new ServiceException(503, detail);
  }

  /** Answers a failed bus request: a {@link ServiceException} keeps its status, anything else is a 500. */
  public static void reply(Message<?> message, Throwable failure) {
    if (failure instanceof ServiceException se) {
      message.fail(se.status(), se.getMessage());
    } else {
      message.fail(500, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
  }
}
