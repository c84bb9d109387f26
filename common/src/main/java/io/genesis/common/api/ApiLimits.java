package io.genesis.common.api;

/**
 * The limits of the public API, in one place: the gateway's checks use these constants, and the
 * OpenAPI document ({@code openapi.json}, which the gateway also validates requests against) states
 * the same numbers; a gateway test fails when the two disagree. Lengths are in characters (code
 * points, as JSON Schema's {@code maxLength} counts them).
 */
public final class ApiLimits {
  /** A chat message: {@code content} of a REST or WebSocket message, a chat-completions message's text. */
  public static final int MESSAGE_CHARS = 32_000;
  /** An agent id wherever one is given: {@code agentId}, the OpenAI {@code model}. */
  public static final int AGENT_ID_CHARS = 64;
  /** A session's title. */
  public static final int TITLE_CHARS = 200;
  /** A listing's {@code cursor}. */
  public static final int CURSOR_CHARS = 200;
  /** A listing's {@code limit}: at most this many items per page. */
  public static final int PAGE_MAX = 100;
  /** A WebSocket frame's {@code requestId}, and the {@code X-Request-Id} taken from a request. */
  public static final int REQUEST_ID_CHARS = 128;
  /** An {@code Idempotency-Key} header (the IETF draft leaves the length to the server; Stripe takes 255). */
  public static final int IDEMPOTENCY_KEY_CHARS = 255;
  /** The {@code action} filter of the audit listing. */
  public static final int AUDIT_ACTION_CHARS = 64;
  /** A development token's {@code userId}. */
  public static final int DEV_USER_ID_CHARS = 64;
  /** A development token's {@code roles}: at most this many, each at most {@link #DEV_ROLE_CHARS}. */
  public static final int DEV_ROLES_MAX = 8;
  public static final int DEV_ROLE_CHARS = 32;
  /** A development token's {@code ttlSeconds}: one minute to one week. */
  public static final int DEV_TTL_MIN_SECONDS = 60;
  public static final int DEV_TTL_MAX_SECONDS = 7 * 24 * 3600;

  private ApiLimits() {}
}
