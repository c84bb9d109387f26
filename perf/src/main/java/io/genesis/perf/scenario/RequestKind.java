package io.genesis.perf.scenario;

import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.Users.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * The single requests of the request-level scenarios (baseline, stress, spike, soak), each with the
 * ceiling server's route of the same shape and nothing behind it, so a run against both gives a ratio:
 * a read through the event bus ({@code agents} ↔ {@code /json}), a cached read ({@code session} ↔ a
 * Redis GET), the first page of history ({@code history}, cached by GENESIS ↔ a one-row PostgreSQL read),
 * an older page of history ({@code history-old}: {@code before=} the newest message of the user's seeded
 * exchange, which GENESIS never caches, so it always reads PostgreSQL ↔ the same one-row read), a write
 * ({@code message}, a whole chat exchange with two commits ↔ one INSERT), and liveness ({@code health} ↔
 * {@code /plain}).
 */
public enum RequestKind {
  AGENTS(HttpMethod.GET, "/json"),
  SESSION(HttpMethod.GET, "/redis"),
  HISTORY(HttpMethod.GET, "/db"),
  HISTORY_OLD(HttpMethod.GET, "/db"),
  MESSAGE(HttpMethod.POST, "/insert"),
  HEALTH(HttpMethod.GET, "/plain");

  private final HttpMethod method;
  private final String ceilingPath;
  private final String label;

  RequestKind(HttpMethod method, String ceilingPath) {
    this.method = method;
    this.ceilingPath = ceilingPath;
    this.label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public String label() {
    return label;
  }

  public static RequestKind of(String name) {
    for (RequestKind kind : values()) {
      if (kind.label().equals(name.trim())) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown request '" + name + "': use agents, session, history, history-old, message or health");
  }

  public HttpMethod method() {
    return method;
  }

  /** Everything but liveness needs a signed-in user. */
  public boolean needsUser() {
    return this != HEALTH;
  }

  public String path(Against against, User user) {
    if (against == Against.CEILING) {
      return ceilingPath;
    }
    return switch (this) {
      case AGENTS -> "/api/v1/agents";
      case SESSION -> "/api/v1/sessions/" + user.sessionId();
      case HISTORY -> "/api/v1/sessions/" + user.sessionId() + "/messages?limit=20";
      case HISTORY_OLD -> "/api/v1/sessions/" + user.sessionId() + "/messages?limit=20&before=" + user.seededReplyId();
      case MESSAGE -> "/api/v1/sessions/" + user.sessionId() + "/messages";
      case HEALTH -> "/health/live";
    };
  }

  /** The body of request {@code i}: a message with prompt {@code i} for a POST, else none. Shared: never change it. */
  public Buffer body(long i) {
    return method == HttpMethod.POST ? Prompts.bodyOf(i) : null;
  }
}
