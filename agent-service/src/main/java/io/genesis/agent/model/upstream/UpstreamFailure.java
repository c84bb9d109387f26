package io.genesis.agent.model.upstream;

import io.genesis.common.error.ServiceException;
import io.genesis.common.log.Redaction;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * Why an exchange with the upstream failed: the HTTP status the caller gets (502, 503, 504), what
 * happened (a phrase that follows the upstream's name, for the log only: it may hold the upstream's
 * own words), and whether another attempt may do better. Callers see only {@link #clientDetail}.
 */
final class UpstreamFailure extends RuntimeException {
  static final String UNAVAILABLE = "the model service is unavailable";
  static final String TOO_SLOW = "the model service did not answer in time";
  static final String FAILED = "the model service failed";

  private final int status;
  private final boolean retryable;

  private UpstreamFailure(int status, boolean retryable, String what) {
    super(what, null, false, false);
    this.status = status;
    this.retryable = retryable;
  }

  /** A silent upstream: never retried, since another attempt would most likely wait as long. */
  static UpstreamFailure firstTokenTimeout(long millis) {
    return new UpstreamFailure(504, false, "sent no token within the " + millis + " ms budget");
  }

  static UpstreamFailure idleTimeout(long millis, int tokens) {
    return new UpstreamFailure(504, false, "went silent for " + millis + " ms after " + tokens + " tokens");
  }

  static UpstreamFailure totalTimeout(long millis) {
    return new UpstreamFailure(504, false, "did not finish its answer within " + millis + " ms");
  }

  /** 5xx, 408 and 429 may pass on a retry; other statuses say the request itself is wrong. */
  static UpstreamFailure status(int status, String body) {
    boolean retryable = status >= 500 || status == 408 || status == 429;
    return new UpstreamFailure(status == 429 ? 503 : 502, retryable,
        "answered HTTP " + status + ": " + Redaction.excerpt(body));
  }

  static UpstreamFailure malformed(String what) {
    return new UpstreamFailure(502, false, "sent a malformed stream: " + Redaction.excerpt(what));
  }

  static UpstreamFailure streamError(String message) {
    return new UpstreamFailure(502, true, "reported an error in its stream: " + Redaction.excerpt(message));
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
      return new UpstreamFailure(503, true, "cannot be reached (" + Redaction.excerpt(failure.getMessage()) + ")");
    }
    if (failure instanceof HttpClosedException) {
      return new UpstreamFailure(502, true, "closed the connection before the answer ended");
    }
    return new UpstreamFailure(502, true, "failed: " + Redaction.excerpt(String.valueOf(failure)));
  }

  boolean retryable() {
    return retryable;
  }

  int status() {
    return status;
  }

  /** What a client may read: the failure in product terms, never the upstream's address or words. */
  static String clientDetail(int status) {
    return switch (status) {
      case 503 -> UNAVAILABLE;
      case 504 -> TOO_SLOW;
      default -> FAILED;
    };
  }

  /**
   * The caller's error: the product phrase for the client, a {@code Retry-After} of a second, and for
   * the log "model upstream http://***@host:port/v1 sent no token within … (3 attempts)".
   */
  Logged toServiceException(String upstream, int attempts) {
    String logged = "model upstream " + Redaction.url(upstream) + " " + getMessage()
        + (attempts > 1 ? " (" + attempts + " attempts)" : "");
    return new Logged(status, clientDetail(status), 1, logged);
  }

  /** A failure whose message is safe for clients, with the full (redacted) account for the log beside it. */
  static final class Logged extends ServiceException {
    private final String logged;

    Logged(int status, String detail, int retryAfterSeconds, String logged) {
      super(status, detail, retryAfterSeconds);
      this.logged = logged;
    }

    String logged() {
      return logged;
    }

    Logged retryAfter(int seconds) {
      return new Logged(status(), getMessage(), Math.max(1, seconds), logged);
    }
  }
}
