package io.genesis.common.bus;

/** Event-bus addresses: the only coupling between the gateway, the session service and the agent service. */
public final class Addresses {
  private Addresses() {}

  public static final String SESSION_CREATE = "genesis.session.create";
  public static final String SESSION_LIST = "genesis.session.list";
  public static final String SESSION_GET = "genesis.session.get";
  public static final String SESSION_CLOSE = "genesis.session.close";
  /** Sets the agent a session talks to (after routing or a handoff). */
  public static final String SESSION_SET_AGENT = "genesis.session.set-agent";
  public static final String MESSAGE_APPEND = "genesis.session.message.append";
  public static final String MESSAGE_LIST = "genesis.session.message.list";
  /** Messages by id ({@link Messages.GetMessages}), for replaying an idempotent request or ending a resumed stream. */
  public static final String MESSAGE_GET = "genesis.session.message.get";
  /** Claims an idempotency key ({@link Messages.IdempotencyClaim} → {@link Messages.ClaimResult}). */
  public static final String IDEMPOTENCY_CLAIM = "genesis.session.idempotency.claim";
  /** Records the outcome of a key's first request ({@link Messages.IdempotencyOutcome}). */
  public static final String IDEMPOTENCY_FINISH = "genesis.session.idempotency.finish";
  /** Frees a key whose first request stored nothing ({@link Messages.IdempotencyRelease}). */
  public static final String IDEMPOTENCY_RELEASE = "genesis.session.idempotency.release";
  /** The user's idempotency keys, for the export ({@link Messages.ExportKeysRequest} → {@link Messages.ExportedKeys}). */
  public static final String USER_EXPORT_KEYS = "genesis.session.user.export-keys";
  /** Counts and cache figures of the session service. */
  public static final String SESSION_STATS = "genesis.session.stats";
  /** Hit and miss counts of the session service's caches, per cache and layer (cheap: no database). */
  public static final String SESSION_CACHE_STATS = "genesis.session.cache-stats";
  /** One page of everything stored about a user, for {@code GET /api/v1/me/export} (streamed page by page). */
  public static final String USER_EXPORT_PAGE = "genesis.session.user.export-page";
  /** Erases everything stored about a user: rows, both cache layers everywhere, derived data. */
  public static final String USER_ERASE = "genesis.session.user.erase";
  /** The user's coaching profile ({@link Messages.GetProfile} → {@link Messages.Profile}, empty when none). */
  public static final String PROFILE_GET = "genesis.session.profile.get";
  /** Replaces the profile ({@link Messages.PutProfile} → the stored {@link Messages.Profile}). */
  public static final String PROFILE_PUT = "genesis.session.profile.put";
  /** Applies a merge patch to the profile ({@link Messages.PatchProfile} → the stored {@link Messages.Profile}). */
  public static final String PROFILE_PATCH = "genesis.session.profile.patch";
  /** Stores a progress record ({@link Messages.AddProgress} → {@link Messages.ProgressView}). */
  public static final String PROGRESS_ADD = "genesis.session.progress.add";
  /** A page of the user's progress records ({@link Messages.ListProgress} → {@link Messages.ProgressPage}). */
  public static final String PROGRESS_LIST = "genesis.session.progress.list";
  /** Deletes one progress record of the user ({@link Messages.ProgressRef}; 404 when not theirs). */
  public static final String PROGRESS_DELETE = "genesis.session.progress.delete";
  /**
   * What the coaches know of a user, in one request when they answer: the profile (cached) and the recent progress
   * records ({@link Messages.CoachingContextRequest} → {@link Messages.CoachingContext}).
   */
  public static final String COACHING_CONTEXT = "genesis.session.coaching-context";
  /** Records an audit entry (who, what, when; never content). */
  public static final String AUDIT_RECORD = "genesis.session.audit.record";
  /** Lists audit entries, newest first, for admins. */
  public static final String AUDIT_LIST = "genesis.session.audit.list";
  /**
   * Local (per Vert.x instance) notification that a retention run of the session service finished:
   * {@code {startedAt, cutoff, deleted, sessions, cacheFailures}} (JSON).
   */
  public static final String RETENTION_RAN = "genesis.session.retention.ran";
  /** Readiness of the session service: PostgreSQL and Redis. */
  public static final String SESSION_HEALTH = "genesis.session.health";
  /** Local (per Vert.x instance) notification that a cross-instance cache invalidation was applied. */
  public static final String SESSION_CACHE_INVALIDATED = "genesis.session.cache.invalidated";

  public static final String AGENT_LIST = "genesis.agent.list";
  public static final String AGENT_GET = "genesis.agent.get";
  /** Opens a streamed reply ({@link Messages.StreamReply}); JSON answers use it too, with {@code collect}. */
  public static final String AGENT_STREAM = "genesis.agent.stream";
  /** Prefix of the per-instance control inboxes of the agent service ({@link Messages.StreamControl}). */
  public static final String AGENT_STREAM_CONTROL_PREFIX = "genesis.agent.stream.control.";
  /**
   * Published (to every agent-service instance) with a {@link Messages.StreamControl} cancel when the
   * gateway gave up opening a stream: whichever instance opened it releases it at once.
   */
  public static final String AGENT_STREAM_ABANDONED = "genesis.agent.stream.abandoned";
  /** Prefix of the per-instance inboxes of the gateway ({@link Messages.ReplyEvent}). */
  public static final String GATEWAY_STREAM_INBOX_PREFIX = "genesis.gateway.stream.inbox.";
  public static final String AGENT_HEALTH = "genesis.agent.health";
  /**
   * Local (per Vert.x instance) notification that another member of the cluster left or died: the
   * services it ran, comma-separated ({@code session-service,agent-service}), and its identity in the
   * {@link ClusterMember#LEFT_HEADER} header. Published by the launcher from the cluster's membership.
   */
  public static final String CLUSTER_MEMBER_LEFT = "genesis.cluster.member-left";
}
