package io.genesis.session.db;

import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionView;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Every SQL statement of the session service (schema bookkeeping aside, see {@link Migrations}).
 * Methods answer null (not a failure) when the row is absent; ownership is part of the WHERE clause
 * of every write. Each write is one statement, hence one transaction, committed before the future
 * completes.
 */
public final class SessionRepository {
  private static final String SESSION_COLUMNS = "id, user_id, agent_id, title, is_active, created_at, updated_at";
  private static final String MESSAGE_COLUMNS = "id, session_id, role, agent_id, content, created_at, partial";
  /** A later instant than both the clock and the previous one: per-session times strictly increase. */
  private static final String NEXT_TIME = "greatest(clock_timestamp(), updated_at + interval '1 microsecond')";

  /** One clock reading for both times: a new session was last updated when it was created. */
  private static final String INSERT_SESSION = "INSERT INTO sessions (id, user_id, agent_id, title, created_at, updated_at) "
      + "SELECT $1, $2, $3, $4, now.t, now.t FROM (SELECT clock_timestamp() AS t) AS now RETURNING " + SESSION_COLUMNS;
  private static final String FIND_SESSION = "SELECT " + SESSION_COLUMNS + " FROM sessions WHERE id = $1";
  private static final String CLOSE_SESSION = "UPDATE sessions SET is_active = false, "
      + "updated_at = CASE WHEN is_active THEN " + NEXT_TIME + " ELSE updated_at END "
      + "WHERE id = $1 AND user_id = $2 RETURNING " + SESSION_COLUMNS;
  private static final String SET_AGENT = "UPDATE sessions SET agent_id = $3, "
      + "updated_at = CASE WHEN agent_id IS DISTINCT FROM $3 THEN " + NEXT_TIME + " ELSE updated_at END "
      + "WHERE id = $1 AND user_id = $2 RETURNING " + SESSION_COLUMNS;
  /** Bumps the session and inserts the message in one statement; the message time is the new updated_at. */
  private static final String APPEND_MESSAGE = "WITH s AS (UPDATE sessions SET updated_at = " + NEXT_TIME
      + " WHERE id = $1 AND user_id = $2 AND is_active RETURNING id, updated_at) "
      + "INSERT INTO messages (id, session_id, user_id, role, agent_id, content, created_at, partial) "
      + "SELECT $3, s.id, $2, $4, $5, $6, s.updated_at, $7 FROM s RETURNING " + MESSAGE_COLUMNS;
  private static final String MESSAGE_KEY = "SELECT created_at, id FROM messages WHERE id = $2 AND session_id = $1";
  private static final String COUNTS = "SELECT (SELECT count(DISTINCT user_id) FROM sessions) AS users, "
      + "(SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM messages) AS messages";

  private static final String SESSION_IDS_OF_USER = "SELECT id FROM sessions WHERE user_id = $1 ORDER BY id LIMIT $2";
  private static final String DELETE_MESSAGES_OF_SESSIONS = "DELETE FROM messages WHERE id IN "
      + "(SELECT id FROM messages WHERE session_id = ANY($1) LIMIT $2)";
  private static final String DELETE_SESSIONS_OF_USER = "DELETE FROM sessions WHERE id = ANY($1) AND user_id = $2";

  private final Pool pool;

  public SessionRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<SessionView> insertSession(UUID id, String userId, String agentId, String title) {
    return pool.preparedQuery(INSERT_SESSION).execute(Tuple.of(id, userId, agentId, title))
        .map(rows -> toSession(rows.iterator().next()));
  }

  /** The session with this id, whoever owns it (the caller checks ownership, so this result can be cached). */
  public Future<SessionView> findSession(UUID id) {
    return pool.preparedQuery(FIND_SESSION).execute(Tuple.of(id)).map(SessionRepository::firstSession);
  }

  /** Up to {@code limit} sessions of a user after {@code after} (null: from the newest). */
  public Future<List<SessionView>> listSessions(String userId, Boolean active, Keyset after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(SESSION_COLUMNS).append(" FROM sessions WHERE user_id = $1");
    Tuple args = Tuple.of(userId);
    if (active != null) {
      sql.append(active ? " AND is_active" : " AND NOT is_active");
    }
    if (after != null) {
      sql.append(" AND (updated_at, id) < ($2, $3)");
      args.addOffsetDateTime(after.at()).addUUID(after.id());
    }
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ").append(limit);
    return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
      List<SessionView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toSession(row)));
      return items;
    });
  }

  /** Closes the session (idempotent: a closed one is answered unchanged); null when not the user's. */
  public Future<SessionView> closeSession(UUID id, String userId) {
    return pool.preparedQuery(CLOSE_SESSION).execute(Tuple.of(id, userId)).map(SessionRepository::firstSession);
  }

  public Future<SessionView> setAgent(UUID id, String userId, String agentId) {
    return pool.preparedQuery(SET_AGENT).execute(Tuple.of(id, userId, agentId)).map(SessionRepository::firstSession);
  }

  /** Stores a message in an active session of the user; null when there is no such active session. */
  public Future<MessageView> appendMessage(UUID sessionId, String userId, UUID messageId, String role,
                                           String agentId, String content, boolean partial) {
    Tuple args = Tuple.of(sessionId, userId, messageId, role, agentId, content).addBoolean(partial);
    return pool.preparedQuery(APPEND_MESSAGE).execute(args).map(rows -> rows.size() == 0 ? null : toMessage(rows.iterator().next()));
  }

  /** The listing position of a message of this session, or null when the session holds no such message. */
  public Future<Keyset> messageKey(UUID sessionId, UUID messageId) {
    return pool.preparedQuery(MESSAGE_KEY).execute(Tuple.of(sessionId, messageId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Keyset(row.getOffsetDateTime("created_at"), row.getUUID("id"));
    });
  }

  /** Up to {@code limit} messages of a session, newest first, older than {@code before} (null: the newest). */
  public Future<List<MessageView>> listMessages(UUID sessionId, Keyset before, int limit) {
    String sql = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE session_id = $1"
        + (before == null ? "" : " AND (created_at, id) < ($2, $3)")
        + " ORDER BY created_at DESC, id DESC LIMIT " + limit;
    Tuple args = before == null ? Tuple.of(sessionId) : Tuple.of(sessionId, before.at(), before.id());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<MessageView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toMessage(row)));
      return items;
    });
  }

  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Counts of distinct users, sessions and messages (exact; meant for the admin stats page). */
  public Future<JsonObject> counts() {
    return pool.query(COUNTS).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("users", row.getLong("users")).put("sessions", row.getLong("sessions"))
          .put("messages", row.getLong("messages"));
    });
  }

  // ---- privacy: export and erasure (rows mapped by toSession/toMessage like every other read) ----

  /** Up to {@code limit} sessions of a user with an id greater than {@code afterId} (null: from the first), by id. */
  public Future<List<SessionView>> exportSessions(String userId, UUID afterId, int limit) {
    String sql = "SELECT " + SESSION_COLUMNS + " FROM sessions WHERE user_id = $1"
        + (afterId == null ? "" : " AND id > $2") + " ORDER BY id LIMIT " + limit;
    Tuple args = afterId == null ? Tuple.of(userId) : Tuple.of(userId, afterId);
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<SessionView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toSession(row)));
      return items;
    });
  }

  /** Up to {@code limit} messages of a session, oldest first, after {@code after} (null: from the oldest). */
  public Future<List<MessageView>> exportMessages(UUID sessionId, Keyset after, int limit) {
    String sql = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE session_id = $1"
        + (after == null ? "" : " AND (created_at, id) > ($2, $3)")
        + " ORDER BY created_at, id LIMIT " + limit;
    Tuple args = after == null ? Tuple.of(sessionId) : Tuple.of(sessionId, after.at(), after.id());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<MessageView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toMessage(row)));
      return items;
    });
  }

  /** Ids of up to {@code limit} sessions of a user (erasure deletes them batch by batch). */
  public Future<List<UUID>> sessionIdsOf(String userId, int limit) {
    return pool.preparedQuery(SESSION_IDS_OF_USER).execute(Tuple.of(userId, limit)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getUUID("id")));
      return ids;
    });
  }

  /** Deletes up to {@code limit} messages of these sessions in one short statement; answers how many. */
  public Future<Integer> deleteMessagesOf(List<UUID> sessionIds, int limit) {
    Tuple args = Tuple.tuple().addArrayOfUUID(sessionIds.toArray(UUID[]::new)).addInteger(limit);
    return pool.preparedQuery(DELETE_MESSAGES_OF_SESSIONS).execute(args).map(RowSet::rowCount);
  }

  /** Deletes these sessions of the user (their messages go with them: see {@link #deleteMessagesOf}). */
  public Future<Integer> deleteSessions(List<UUID> sessionIds, String userId) {
    Tuple args = Tuple.tuple().addArrayOfUUID(sessionIds.toArray(UUID[]::new)).addString(userId);
    return pool.preparedQuery(DELETE_SESSIONS_OF_USER).execute(args).map(RowSet::rowCount);
  }

  private static SessionView firstSession(RowSet<Row> rows) {
    return rows.size() == 0 ? null : toSession(rows.iterator().next());
  }

  private static SessionView toSession(Row row) {
    return new SessionView(row.getUUID("id").toString(), row.getString("user_id"), row.getString("agent_id"),
        row.getString("title"), row.getBoolean("is_active"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  private static MessageView toMessage(Row row) {
    return new MessageView(row.getUUID("id").toString(), row.getUUID("session_id").toString(), row.getString("role"),
        row.getString("agent_id"), row.getString("content"), row.getOffsetDateTime("created_at").toInstant(),
        row.getBoolean("partial"));
  }
}
