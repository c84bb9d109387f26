package io.genesis.common.bus;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The records exchanged on the event bus (see {@link Addresses}). All ids are UUIDv7 strings. */
public final class Messages {
  private Messages() {}

  /** A request that carries nothing (list agents, stats, health). */
  public record Empty() {
    public static final Empty INSTANCE = new Empty();
  }

  // ---- sessions ----

  public record CreateSession(String userId, String agentId, String title) {}

  /** {@code active} null means both; {@code cursor} null means the first page. */
  public record ListSessions(String userId, Boolean active, int limit, String cursor) {}

  /** Names a session on behalf of a user: a session of another user answers "not found". */
  public record SessionRef(String userId, String sessionId) {}

  public record SetSessionAgent(String userId, String sessionId, String agentId) {}

  public record SessionView(String id, String userId, String agentId, String title, boolean active,
                            Instant createdAt, Instant updatedAt) {}

  public record SessionPage(List<SessionView> items, String nextCursor) {}

  // ---- messages ----

  public static final String ROLE_USER = "user";
  public static final String ROLE_AGENT = "agent";

  /**
   * {@code partial}: an agent reply cut short; stored and shown as such. {@code id}: the id to store it
   * under, chosen by the caller (null: the session service picks one); appending the same id twice stores
   * it once and answers the stored message both times.
   */
  public record AppendMessage(String userId, String sessionId, String role, String agentId, String content,
                              boolean partial, String id) {
    public AppendMessage(String userId, String sessionId, String role, String agentId, String content) {
      this(userId, sessionId, role, agentId, content, false, null);
    }

    public AppendMessage(String userId, String sessionId, String role, String agentId, String content, boolean partial) {
      this(userId, sessionId, role, agentId, content, partial, null);
    }
  }

  /** {@link Addresses#MESSAGE_GET}: a user's messages by id, in one of their sessions ({@code sessionId} null: in any); those not stored are left out. */
  public record GetMessages(String userId, String sessionId, List<String> ids) {}

  /** The messages found, in the order asked. */
  public record MessageList(List<MessageView> items) {}

  /** {@code before} is a message id: the page holds messages older than it. */
  public record ListMessages(String userId, String sessionId, int limit, String before) {}

  /** {@code partial}: a reply cut short (the client went away, or the model failed mid-answer). */
  public record MessageView(String id, String sessionId, String role, String agentId, String content,
                            Instant createdAt, boolean partial) {}

  public record MessagePage(List<MessageView> items, String nextCursor) {}

  // ---- agents ----

  public record AgentRef(String agentId) {}

  public record AgentView(String id, String name, String specialty, String description) {}

  /** The agents and a version that changes whenever a definition changes (used for ETags). */
  public record AgentList(List<AgentView> agents, String version) {}

  public static final String TURN_SYSTEM = "system";
  public static final String TURN_USER = "user";
  public static final String TURN_ASSISTANT = "assistant";

  /** One earlier message of a conversation, as a model sees it: {@code role} is system, user or assistant. */
  public record ChatTurn(String role, String content) {}

  /**
   * Asks the agent service to answer {@code content}. The agent is {@code requestedAgentId}, else
   * {@code sessionAgentId}, else the best match of the text.
   *
   * @param sessionId the session, or null for a stateless conversation (OpenAI-compatible API)
   * @param history the conversation before {@code content}, oldest first; null means "the session's
   *     stored messages", which the agent service reads itself when its model needs them
   */
  public record ReplyRequest(String userId, String sessionId, String requestedAgentId, String sessionAgentId,
                             String content, List<ChatTurn> history) {
    public ReplyRequest(String userId, String sessionId, String requestedAgentId, String sessionAgentId, String content) {
      this(userId, sessionId, requestedAgentId, sessionAgentId, content, null);
    }
  }

  public record Handoff(String from, String to, String reason) {}

  /** {@code agentId} is the agent that produced {@code text}, after any handoffs. */
  public record ReplyResult(String agentId, String text, List<Handoff> handoffs) {}

  /** Token counts of one reply: the model's own when it reports them, else estimated. */
  public record Usage(int promptTokens, int completionTokens) {}

  // ---- streamed replies (Addresses.AGENT_STREAM) ----

  /**
   * Opens a streamed reply. The agent service answers at once with {@link StreamOpened} (or a
   * {@link StreamRefused} when it cannot take the call now), then waits for credit: nothing is
   * generated before the first {@link StreamControl} credit arrives. Events then go to
   * {@code replyTo} as {@link ReplyEvent}s carrying {@code streamId}; the stream always ends with
   * one {@code end} or {@code error} event.
   *
   * @param streamId chosen by the caller, unique
   * @param replyTo the caller's inbox address (one per gateway instance, not one per stream)
   * @param collect true: send no deltas, only the final event (a JSON answer)
   */
  public record StreamReply(String streamId, String replyTo, ReplyRequest request, boolean collect) {}

  /**
   * @param controlAddress where the caller sends {@link StreamControl}s for this stream
   * @param agentId the agent that answers, after any handoff
   * @param backend the model backend that answers ("offline", "upstream", "offline-fallback")
   * @param member the {@link ClusterMember} generating the reply (null when not clustered): when it leaves,
   *     the caller ends the reply at once rather than waiting for its silence
   */
  public record StreamOpened(String streamId, String controlAddress, String agentId, List<Handoff> handoffs,
                             String backend, String member) {}

  /** The agent service cannot take the call now (breaker open, too many calls): try again later. */
  public record StreamRefused(int status, String detail, int retryAfterSeconds) {}

  public static final String CONTROL_CREDIT = "credit";
  public static final String CONTROL_CANCEL = "cancel";

  /**
   * {@code credit}: the caller can take {@code credits} more {@code delta} events (each a batch: all the text
   * written since the last one); {@code cancel}: stop and end now.
   */
  public record StreamControl(String streamId, String type, int credits) {}

  public static final String EVENT_DELTA = "delta";
  public static final String EVENT_END = "end";
  public static final String EVENT_ERROR = "error";
  /** Sent while a stream is silent (the model thinks), so the caller can tell a slow model from a lost agent. */
  public static final String EVENT_ALIVE = "alive";
  /**
   * A figure the person stated that differs from their profile ({@code suggestion}: a merge patch of just those
   * fields); the reply used it, the profile is unchanged. Sent before the first delta; takes no credit.
   */
  public static final String EVENT_SUGGESTION = "profile_suggestion";
  /** A calculator the model called (an upstream model's tool call) and what it answered. */
  public static final String EVENT_TOOL = "tool";

  /**
   * One calculator call an upstream model made while writing a reply (OpenAI function calling), as the
   * client is shown it. The texts are JSON, ready to splice into an event.
   *
   * @param callId the model's id for the call
   * @param name the calculator ({@code nutrition}, {@code one-rep-max}…)
   * @param arguments JSON text: the arguments as an object, or as a JSON string holding the model's raw
   *     text when that was not a JSON object
   * @param result JSON text of the result object, or null when the call was refused
   * @param error why the call was refused (bad or missing arguments, an unknown calculator), or null
   */
  public record ToolUse(String callId, String name, String arguments, String result, String error) {}

  /**
   * One event of a streamed reply.
   *
   * <ul>
   *   <li>{@code delta}: {@code text} is new text: everything the model wrote since the previous delta.</li>
   *   <li>{@code end}: {@code result} is the whole reply; {@code partial} when it was cut short by a
   *       cancel (what was generated until then); {@code finishReason} {@code length} when the model was
   *       stopped at a size limit (null: it finished).</li>
   *   <li>{@code error}: {@code status}, {@code detail}, {@code retryAfterSeconds} (0: none);
   *       {@code result} holds what was generated before the failure (its text may be empty).</li>
   *   <li>{@code profile_suggestion}: {@code suggestion} is the profile patch to offer the person.</li>
   *   <li>{@code tool}: {@code tool} is a calculator call the model made and its result, sent after the
   *       text written before it (not a delta: it takes no credit, and is not part of the reply's text).</li>
   * </ul>
   */
  public record ReplyEvent(String streamId, String type, String text, ReplyResult result, boolean partial,
                           Usage usage, int status, String detail, int retryAfterSeconds, String finishReason,
                           Profile suggestion, ToolUse tool) {
    public static ReplyEvent delta(String streamId, String text) {
      return new ReplyEvent(streamId, EVENT_DELTA, text, null, false, null, 0, null, 0, null, null, null);
    }

    public static ReplyEvent tool(String streamId, ToolUse tool) {
      return new ReplyEvent(streamId, EVENT_TOOL, null, null, false, null, 0, null, 0, null, null, tool);
    }

    public static ReplyEvent end(String streamId, ReplyResult result, boolean partial, Usage usage) {
      return end(streamId, result, partial, usage, null);
    }

    public static ReplyEvent end(String streamId, ReplyResult result, boolean partial, Usage usage, String finishReason) {
      return new ReplyEvent(streamId, EVENT_END, null, result, partial, usage, 0, null, 0, finishReason, null, null);
    }

    public static ReplyEvent alive(String streamId) {
      return new ReplyEvent(streamId, EVENT_ALIVE, null, null, false, null, 0, null, 0, null, null, null);
    }

    public static ReplyEvent error(String streamId, ReplyResult partialResult, int status, String detail,
                                   int retryAfterSeconds) {
      return new ReplyEvent(streamId, EVENT_ERROR, null, partialResult, true, null, status, detail, retryAfterSeconds,
          null, null, null);
    }

    public static ReplyEvent suggestion(String streamId, Profile patch) {
      return new ReplyEvent(streamId, EVENT_SUGGESTION, null, null, false, null, 0, null, 0, null, patch, null);
    }
  }

  // ---- idempotency keys (Addresses.IDEMPOTENCY_*): a retried request does its work once ----

  public static final String IDEMPOTENCY_MESSAGES = "messages";
  public static final String IDEMPOTENCY_COMPLETIONS = "completions";

  /**
   * Claims {@code key} for {@code userId}: decided by the table's primary key (user, key), never check-then-act.
   *
   * @param route {@link #IDEMPOTENCY_MESSAGES} or {@link #IDEMPOTENCY_COMPLETIONS}
   * @param digest SHA-256 (hex) of the request's canonical body, salted with the user and key
   * @param sessionId the session (null for completions)
   * @param messageId the id the user's message will be stored under (null for completions)
   * @param replyId the id the reply will be stored under (a completion's id for completions); also names the attempt
   */
  public record IdempotencyClaim(String userId, String key, String route, String digest, String sessionId,
                                 String messageId, String replyId) {}

  /**
   * What a key was first used for. {@code outcome}: null while the first request runs; then a JSON text
   * its route defines (decrypted: it is stored encrypted).
   */
  public record IdempotencyRecord(String key, String route, String digest, String sessionId, String messageId,
                                  String replyId, String outcome, Instant createdAt) {
    public boolean running() {
      return outcome == null;
    }
  }

  /** {@code claimed}: this request holds the key and does the work; else {@code existing} is the key's first use. */
  public record ClaimResult(boolean claimed, IdempotencyRecord existing) {}

  /** The first request of a key finished: {@code outcome} (JSON) is kept with it, encrypted, 24 h from its claim. */
  public record IdempotencyOutcome(String userId, String key, String replyId, String outcome) {}

  /**
   * The first request of a key failed before it stored anything: the key is free again. Only the claim of
   * the attempt {@code replyId} is released, and only while it has no outcome.
   */
  public record IdempotencyRelease(String userId, String key, String replyId) {}

  // ---- audit trail (Addresses.AUDIT_RECORD, Addresses.AUDIT_LIST): who, what, when; never content ----

  /** One audited action; {@code actor} is a user id or "system". Sent fire-and-forget. */
  public record AuditEntry(String actor, String action, String subject, String details) {}

  /** Newest first; {@code action} null means every action; {@code cursor} null means the first page. */
  public record ListAudit(String action, int limit, String cursor) {}

  public record AuditView(String id, Instant at, String actor, String action, String subject, String details) {}

  public record AuditPage(List<AuditView> items, String nextCursor) {}

  // ---- privacy: export, erasure, audit ----

  /** One page of {@link Addresses#USER_EXPORT_PAGE}; {@code cursor} null means the first page. */
  public record ExportPageRequest(String userId, String cursor) {}

  /**
   * Some messages of one session, oldest first. A session's messages may span pages: the next page
   * then starts with a chunk of the same session (the same {@code session.id()}).
   */
  public record ExportChunk(SessionView session, List<MessageView> messages) {}

  /** Sessions by id, each with its messages by (created_at, id); {@code nextCursor} null on the last page. */
  public record ExportPage(List<ExportChunk> chunks, String nextCursor) {}

  /**
   * {@link Addresses#USER_EXPORT_KEYS}: the user's idempotency keys in use (the last 24 h), oldest first:
   * the key, what it was used for and when, and a completion's kept answer; not the body digest (not
   * readable), nor a message key's outcome (its messages are exported).
   */
  public record ExportKeysRequest(String userId) {}

  /** {@code completion}: for a {@code completions} key, the completion kept for its retries (OpenAI's object); else null. */
  public record ExportedKey(String key, String route, String sessionId, String messageId, String replyId,
                            Instant createdAt, com.fasterxml.jackson.databind.JsonNode completion) {}

  public record ExportedKeys(List<ExportedKey> items) {}

  /** {@link Addresses#USER_ERASE}: erases everything stored about {@code userId}. */
  public record EraseUser(String userId) {}

  /** How many rows an erasure deleted (0 and 0 when there was nothing left: erasure is idempotent). */
  public record EraseResult(long sessions, long messages) {}

  // ---- coaching memory: the profile and progress records (Addresses.PROFILE_*, PROGRESS_*, COACHING_CONTEXT) ----

  /**
   * A user's coaching profile; every field optional (null: not given, left out of JSON). Metric always
   * ({@code units} only says how replies show figures). Values are checked by {@link io.genesis.common.api.ProfileRules}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Profile(Integer age, String sex, Double heightCm, Double weightKg, String activity, String goal,
                        String units, String timezone) {
    public static final Profile EMPTY = new Profile(null, null, null, null, null, null, null, null);
    /** The field names, as JSON spells them. */
    public static final List<String> FIELDS = List.of("age", "sex", "heightCm", "weightKg", "activity", "goal", "units",
        "timezone");

    @JsonIgnore
    public boolean isEmpty() {
      return equals(EMPTY);
    }

    /** This profile with the non-null fields of {@code set} put in and the fields named in {@code cleared} removed. */
    public Profile merged(Profile set, java.util.Collection<String> cleared) {
      return new Profile(
          pick(age, set.age, cleared.contains("age")), pick(sex, set.sex, cleared.contains("sex")),
          pick(heightCm, set.heightCm, cleared.contains("heightCm")), pick(weightKg, set.weightKg, cleared.contains("weightKg")),
          pick(activity, set.activity, cleared.contains("activity")), pick(goal, set.goal, cleared.contains("goal")),
          pick(units, set.units, cleared.contains("units")), pick(timezone, set.timezone, cleared.contains("timezone")));
    }

    private static <T> T pick(T current, T set, boolean cleared) {
      return set != null ? set : cleared ? null : current;
    }
  }

  public record GetProfile(String userId) {}

  /** Replaces the whole profile (an empty one removes it). */
  public record PutProfile(String userId, Profile profile) {}

  /** A JSON Merge Patch (RFC 7396) already read: {@code set} holds the values given, {@code cleared} the fields given as null. */
  public record PatchProfile(String userId, Profile set, List<String> cleared) {}

  /**
   * One progress record, in the kind's canonical metric unit (see {@link io.genesis.common.api.ProgressKinds}).
   * {@code exercise}: for {@code lift_1rm} only.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProgressView(String id, String kind, double value, String unit, Instant at, String exercise,
                             Instant createdAt) {}

  /** {@code value} already converted to the kind's canonical unit; {@code at} null means now. */
  public record AddProgress(String userId, String kind, double value, Instant at, String exercise) {}

  /** Newest first by (at, id); {@code kind}, {@code from} (inclusive) and {@code to} (exclusive) may be null. */
  public record ListProgress(String userId, String kind, Instant from, Instant to, int limit, String cursor) {}

  public record ProgressPage(List<ProgressView> items, String nextCursor) {}

  /** Names a progress record on behalf of a user: another user's record answers "not found". */
  public record ProgressRef(String userId, String id) {}

  /**
   * {@link Addresses#COACHING_CONTEXT}: what a coach may know of the user when it answers; {@code withRecords} false
   * asks for the profile only (a cache hit, no query).
   */
  public record CoachingContextRequest(String userId, boolean withRecords) {}

  /**
   * The user's profile (never null: {@link Profile#EMPTY} when none) and their most recent progress records,
   * newest first (at most {@code COACHING_RECORDS}, of the last {@code COACHING_DAYS} days).
   */
  public record CoachingContext(Profile profile, List<ProgressView> recent) {
    public static final int COACHING_RECORDS = 200;
    public static final int COACHING_DAYS = 120;
    public static final CoachingContext NONE = new CoachingContext(Profile.EMPTY, List.of());
  }

  // ---- operations ----

  /** {@code checks} maps a check name (e.g. "postgres") to "UP" or a reason it is down. */
  public record HealthReport(boolean up, Map<String, String> checks) {}
}
