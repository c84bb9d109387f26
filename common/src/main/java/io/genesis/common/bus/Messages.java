package io.genesis.common.bus;

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

  public record AppendMessage(String userId, String sessionId, String role, String agentId, String content) {}

  /** {@code before} is a message id: the page holds messages older than it. */
  public record ListMessages(String userId, String sessionId, int limit, String before) {}

  public record MessageView(String id, String sessionId, String role, String agentId, String content,
                            Instant createdAt) {}

  public record MessagePage(List<MessageView> items, String nextCursor) {}

  // ---- agents ----

  public record AgentRef(String agentId) {}

  public record AgentView(String id, String name, String specialty, String description) {}

  /** The agents and a version that changes whenever a definition changes (used for ETags). */
  public record AgentList(List<AgentView> agents, String version) {}

  /**
   * Asks the agent service to answer {@code content}. The agent is {@code requestedAgentId}, else
   * {@code sessionAgentId}, else the best match of the text.
   */
  public record ReplyRequest(String userId, String sessionId, String requestedAgentId, String sessionAgentId,
                             String content) {}

  public record Handoff(String from, String to, String reason) {}

  /** {@code agentId} is the agent that produced {@code text}, after any handoffs. */
  public record ReplyResult(String agentId, String text, List<Handoff> handoffs) {}

  // ---- operations ----

  /** {@code checks} maps a check name (e.g. "postgres") to "UP" or a reason it is down. */
  public record HealthReport(boolean up, Map<String, String> checks) {}
}
