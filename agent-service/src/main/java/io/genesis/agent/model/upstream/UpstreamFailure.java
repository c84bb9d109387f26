package io.genesis.agent.model.upstream;

import io.genesis.common.error.ServiceException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * Why an exchange with the upstream failed: the HTTP status the caller gets (502, 503, 504), what
 * happened (a phrase that follows the upstream's name), and whether another attempt may do better.
 */
final class UpstreamFailure extends RuntimeException {
  private final int status;
  private final boolean retryable;

  private UpstreamFailure(int status, boolean retryable, String what) {
    super(what, null, false, false);
    this.status = status;
    this.retryable = retryable;
  }

  static UpstreamFailure firstTokenTimeout(long millis) {
    return new UpstreamFailure(504, true, "sent no token within " + millis + " ms");
  }

  static UpstreamFailure idleTimeout(long millis, int tokens) {
    return new UpstreamFailure(504, false, "went silent for " + millis + " ms after " + tokens + " tokens");
  }

  static UpstreamFailure totalTimeout(long millis) {
    return new UpstreamFailure(504, false, "did not finish its answer within " + millis + " ms");
  }

  /** 5xx, 408 and 429 may pass on a retry; other statuses say the request itself is wrong. */
  static UpstreamFailure status(int status, String message) {
    boolean retryable = status >= 500 || status == 408 || status == 429;
    return new UpstreamFailure(status == 429 ? 503 : 502, retryable, "answered HTTP " + status + ": " + message);
  }

  static UpstreamFailure malformed(String what) {
    return new UpstreamFailure(502, true, "sent a malformed stream: " + what);
  }

  static UpstreamFailure streamError(String message) {
    return new UpstreamFailure(502, true, "reported an error in its stream: " + message);
  }

  /** Any failure of an exchange, as an upstream failure. */
  static UpstreamFailure of(Throwable failure, long connectTimeoutMillis) {
    if (failure instanceof UpstreamFailure known) {
      return known;
    }
    if (failure instanceof ConnectTimeoutException) {
      return new UpstreamFailure(504, true, "did not accept a connection within " + connectTimeoutMillis + " ms");
    }
    if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
      return new UpstreamFailure(503, true, "cannot be reached (" + failure.getMessage() + ")");
    }
    if (failure instanceof HttpClosedException) {
      return new UpstreamFailure(502, true, "closed the connection before the answer ended");
    }
    return new UpstreamFailure(502, true, "failed: " + failure);
  }

  boolean retryable() {
    return retryable;
  }

  /** The caller's error: "model upstream URL sent no token within 100 ms (3 attempts)". */
  ServiceException toServiceException(String upstream, int attempts) {
    String detail = "model upstream " + upstream + " " + getMessage() + (attempts > 1 ? " (" + attempts + " attempts)" : "");
    return new ServiceException(status, detail, status == 503 ? 1 : 0);
  }
}
