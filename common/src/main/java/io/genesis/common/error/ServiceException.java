package io.genesis.common.error;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

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

  /**
   * A failed bus request to {@code service} as the status to answer: no consumer or no answer in time
   * is a 503 to retry after a second; a consumer's own failure keeps its status.
   */
  public static ServiceException fromBus(String service, Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> new ServiceException(503, service + " is not available", 1);
        case TIMEOUT -> new ServiceException(503, service + " did not answer in time", 1);
        case RECIPIENT_FAILURE -> new ServiceException(
            reply.failureCode() >= 400 && reply.failureCode() <= 599 ? reply.failureCode() : 500, reply.getMessage());
        default -> new ServiceException(503, service + " failed: " + reply.getMessage(), 1);
      };
    }
    return failure instanceof ServiceException se ? se : new ServiceException(500, String.valueOf(failure.getMessage()));
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
