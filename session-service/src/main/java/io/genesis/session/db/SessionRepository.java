package io.genesis.session.db;

import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SQL statement on sessions and messages (the audit trail and idempotency keys have their own
 * repositories; schema bookkeeping is in {@link Migrations}).
 * Methods answer null (not a failure) when the row is absent; ownership is part of the WHERE clause
 * of every write. Each write is one statement, hence one transaction, committed before the future
 * completes.
 *
 * <p>Message content and session titles are encrypted here on write and decrypted on read (see
 * {@link FieldCipher}; the associated data is the row id, {@code key_id} names the key, NULL for a
 * value written before encryption existed): nothing outside this class sees ciphertext.
 */
public final class SessionRepository {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRepository.class);
  private static final String SESSION_COLUMNS = "id, user_id, agent_id, title, is_active, created_at, updated_at, key_id";
  private static final String MESSAGE_COLUMNS = "id, session_id, role, agent_id, content, created_at, partial, key_id";
  /** A later instant than both the clock and the previous one: per-session times strictly increase. */
  private static final String NEXT_TIME = "greatest(clock_timestamp(), updated_at + interval '1 microsecond')";

  /** One clock reading for both times: a new session was last updated when it was created. */
  private static final String INSERT_SESSION = "INSERT INTO sessions (id, user_id, agent_id, title, key_id, created_at, updated_at) "
      + "SELECT $1, $2, $3, $4, $5, now.t, now.t FROM (SELECT clock_timestamp() AS t) AS now RETURNING " + SESSION_COLUMNS;
  private static final String FIND_SESSION = "SELECT " + SESSION_COLUMNS + " FROM sessions WHERE id = $1";
  private static final String CLOSE_SESSION = "UPDATE sessions SET is_active = false, "
      + "updated_at = CASE WHEN is_active THEN " + NEXT_TIME + " ELSE updated_at END "
      + "WHERE id = $1 AND user_id = $2 RETURNING " + SESSION_COLUMNS;
  private static final String SET_AGENT = "UPDATE sessions SET agent_id = $3, "
      + "updated_at = CASE WHEN agent_id IS DISTINCT FROM $3 THEN " + NEXT_TIME + " ELSE updated_at END "
      + "WHERE id = $1 AND user_id = $2 RETURNING " + SESSION_COLUMNS;
  /**
   * Bumps the session and inserts the message in one statement; the message time is the new
   * updated_at. Answers the message and, as {@code s_*} columns, the session as this write left it.
   */
  private static final String APPEND_MESSAGE = "WITH s AS (UPDATE sessions SET updated_at = " + NEXT_TIME
      + " WHERE id = $1 AND user_id = $2 AND is_active RETURNING " + SESSION_COLUMNS + "), "
      + "m AS (INSERT INTO messages (id, session_id, user_id, role, agent_id, content, created_at, partial, key_id) "
      + "SELECT $3, s.id, $2, $4, $5, $6, s.updated_at, $7, $8 FROM s RETURNING " + MESSAGE_COLUMNS + ") "
      + "SELECT m.*, s.user_id AS s_user_id, s.agent_id AS s_agent_id, s.title AS s_title, s.is_active AS s_is_active, "
      + "s.created_at AS s_created_at, s.updated_at AS s_updated_at, s.key_id AS s_key_id FROM m, s";
  /**
   * {@link #APPEND_MESSAGE} under an id the caller chose: when a message with that id exists already, the
   * session is left alone and the insert does nothing (then no row comes back). Two appends of one new id
   * at once: the second waits for the first's session lock, then its insert does nothing.
   */
  private static final String APPEND_MESSAGE_ONCE = "WITH s AS (UPDATE sessions SET updated_at = " + NEXT_TIME
      + " WHERE id = $1 AND user_id = $2 AND is_active AND NOT EXISTS (SELECT 1 FROM messages WHERE id = $3) RETURNING "
      + SESSION_COLUMNS + "), "
      + "m AS (INSERT INTO messages (id, session_id, user_id, role, agent_id, content, created_at, partial, key_id) "
      + "SELECT $3, s.id, $2, $4, $5, $6, s.updated_at, $7, $8 FROM s ON CONFLICT (id) DO NOTHING RETURNING "
      + MESSAGE_COLUMNS + ") "
      + "SELECT m.*, s.user_id AS s_user_id, s.agent_id AS s_agent_id, s.title AS s_title, s.is_active AS s_is_active, "
      + "s.created_at AS s_created_at, s.updated_at AS s_updated_at, s.key_id AS s_key_id FROM m, s";
  private static final String FIND_MESSAGE = "SELECT " + MESSAGE_COLUMNS + ", user_id FROM messages WHERE id = $1";
  private static final String MESSAGES_BY_ID = "SELECT " + MESSAGE_COLUMNS + " FROM messages "
      + "WHERE session_id = $1 AND id = ANY($2)";
  /** Through the user's sessions: messages are indexed by session, not by user. */
  private static final String RECENT_REPLIES = "SELECT m.id FROM sessions s JOIN messages m ON m.session_id = s.id "
      + "WHERE s.user_id = $1 AND m.role = 'agent' AND m.created_at > clock_timestamp() - make_interval(mins => $2) LIMIT $3";
  private static final String USER_MESSAGES_BY_ID = "SELECT " + MESSAGE_COLUMNS + " FROM messages "
      + "WHERE user_id = $1 AND id = ANY($2)";
  private static final String MESSAGE_KEY = "SELECT created_at, id FROM messages WHERE id = $2 AND session_id = $1";
  private static final String COUNTS = "SELECT (SELECT count(DISTINCT user_id) FROM sessions) AS users, "
      + "(SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM messages) AS messages";
  /**
   * One retention batch: the oldest messages before the cutoff. SKIP LOCKED lets instances running
   * the job at once take different rows instead of waiting on (and then missing) each other's.
   */
  private static final String DELETE_OLD_MESSAGES = "DELETE FROM messages WHERE id IN (SELECT id FROM messages "
      + "WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING session_id";

  private static final String SESSION_IDS_OF_USER = "SELECT id FROM sessions WHERE user_id = $1 ORDER BY id LIMIT $2";
  private static final String DELETE_MESSAGES_OF_SESSIONS = "DELETE FROM messages WHERE id IN "
      + "(SELECT id FROM messages WHERE session_id = ANY($1) LIMIT $2)";
  private static final String DELETE_SESSIONS_OF_USER = "DELETE FROM sessions WHERE id = ANY($1) AND user_id = $2";

  private final Pool pool;
  private final FieldCipher cipher;

  public SessionRepository(Pool pool, FieldCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
  }

  public Future<SessionView> insertSession(Deadline deadline, UUID id, String userId, String agentId, String title) {
    Tuple args = Tuple.of(id, userId, agentId, cipher.encrypt(id.toString(), title), title == null ? null : cipher.keyId());
    return Writes.before(pool, deadline, INSERT_SESSION, args)
        .map(rows -> toSession(rows.iterator().next()));
  }

  /** The session with this id, whoever owns it (the caller checks ownership, so this result can be cached). */
  public Future<SessionView> findSession(UUID id) {
    return pool.preparedQuery(FIND_SESSION).execute(Tuple.of(id)).map(this::firstSession);
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
  public Future<SessionView> closeSession(Deadline deadline, UUID id, String userId) {
    return Writes.before(pool, deadline, CLOSE_SESSION, Tuple.of(id, userId)).map(this::firstSession);
  }

  public Future<SessionView> setAgent(Deadline deadline, UUID id, String userId, String agentId) {
    return Writes.before(pool, deadline, SET_AGENT, Tuple.of(id, userId, agentId)).map(this::firstSession);
  }

  /** A stored message and its session as the append left it. */
  public record Appended(MessageView message, SessionView session) {}

  /** Stores a message in an active session of the user; null when there is no such active session. */
  public Future<Appended> appendMessage(Deadline deadline, UUID sessionId, String userId, UUID messageId, String role,
                                        String agentId, String content, boolean partial) {
    return append(deadline, APPEND_MESSAGE, sessionId, userId, messageId, role, agentId, content, partial);
  }

  /**
   * {@link #appendMessage} unless a message with this id is stored already: then null, and nothing changes
   * (the caller reads the stored one with {@link #findMessage}).
   */
  public Future<Appended> appendMessageOnce(Deadline deadline, UUID sessionId, String userId, UUID messageId, String role,
                                            String agentId, String content, boolean partial) {
    return append(deadline, APPEND_MESSAGE_ONCE, sessionId, userId, messageId, role, agentId, content, partial);
  }

  private Future<Appended> append(Deadline deadline, String sql, UUID sessionId, String userId, UUID messageId, String role,
                                  String agentId, String content, boolean partial) {
    Tuple args = Tuple.of(sessionId, userId, messageId, role, agentId, cipher.encrypt(messageId.toString(), content))
        .addBoolean(partial).addString(cipher.keyId());
    return Writes.before(pool, deadline, sql, args).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      String id = sessionId.toString();
      SessionView session = new SessionView(id, row.getString("s_user_id"), row.getString("s_agent_id"),
          open("sessions", id, row.getString("s_title"), row.getString("s_key_id")), row.getBoolean("s_is_active"),
          row.getOffsetDateTime("s_created_at").toInstant(), row.getOffsetDateTime("s_updated_at").toInstant());
      return new Appended(toMessage(row), session);
    });
  }

  /** A stored message and the user it belongs to. */
  public record OwnedMessage(MessageView message, String userId) {}

  /** The message with this id, whoever owns it (the caller checks ownership); null when there is none. */
  public Future<OwnedMessage> findMessage(UUID id) {
    return pool.preparedQuery(FIND_MESSAGE).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new OwnedMessage(toMessage(row), row.getString("user_id"));
    });
  }

  /** The messages of this session among {@code ids}, in no particular order. */
  public Future<List<MessageView>> messagesById(UUID sessionId, List<UUID> ids) {
    Tuple args = Tuple.tuple().addUUID(sessionId).addArrayOfUUID(ids.toArray(UUID[]::new));
    return pool.preparedQuery(MESSAGES_BY_ID).execute(args).map(rows -> {
      List<MessageView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toMessage(row)));
      return items;
    });
  }

  /** The ids of the user's replies stored in the last {@code minutes} (their event journals may still be in Redis). */
  public Future<List<UUID>> recentReplyIds(String userId, int minutes, int limit) {
    return pool.preparedQuery(RECENT_REPLIES).execute(Tuple.of(userId, minutes, limit)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getUUID("id")));
      return ids;
    });
  }

  /** Messages of a user by id, whatever their session (a WebSocket resume names no session). */
  public Future<List<MessageView>> userMessagesById(String userId, List<UUID> ids) {
    Tuple args = Tuple.tuple().addString(userId).addArrayOfUUID(ids.toArray(UUID[]::new));
    return pool.preparedQuery(USER_MESSAGES_BY_ID).execute(args).map(rows -> {
      List<MessageView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toMessage(row)));
      return items;
    });
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
    return messagesFrom(sessionId, before, limit, true);
  }

  /** A session's messages past {@code from} (exclusive; null: from the end), newest or oldest first. */
  private Future<List<MessageView>> messagesFrom(UUID sessionId, Keyset from, int limit, boolean newestFirst) {
    String sql = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE session_id = $1"
        + (from == null ? "" : newestFirst ? " AND (created_at, id) < ($2, $3)" : " AND (created_at, id) > ($2, $3)")
        + (newestFirst ? " ORDER BY created_at DESC, id DESC" : " ORDER BY created_at, id") + " LIMIT " + limit;
    Tuple args = from == null ? Tuple.of(sessionId) : Tuple.of(sessionId, from.at(), from.id());
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

  /**
   * Deletes up to {@code batch} messages created before {@code cutoff}, oldest first, in one
   * statement; answers the session of each deleted message (one entry per message).
   */
  public Future<List<UUID>> deleteMessagesBefore(OffsetDateTime cutoff, int batch) {
    return pool.preparedQuery(DELETE_OLD_MESSAGES).execute(Tuple.of(cutoff, batch)).map(rows -> {
      List<UUID> sessions = new ArrayList<>(rows.size());
      rows.forEach(row -> sessions.add(row.getUUID("session_id")));
      return sessions;
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
    return messagesFrom(sessionId, after, limit, false);
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

  private SessionView firstSession(RowSet<Row> rows) {
    return rows.size() == 0 ? null : toSession(rows.iterator().next());
  }

  private SessionView toSession(Row row) {
    String id = row.getUUID("id").toString();
    return new SessionView(id, row.getString("user_id"), row.getString("agent_id"),
        open("sessions", id, row.getString("title"), row.getString("key_id")), row.getBoolean("is_active"), row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }

  private MessageView toMessage(Row row) {
    String id = row.getUUID("id").toString();
    return new MessageView(id, row.getUUID("session_id").toString(), row.getString("role"),
        row.getString("agent_id"), open("messages", id, row.getString("content"), row.getString("key_id")), row.getOffsetDateTime("created_at").toInstant(),
        row.getBoolean("partial"));
  }

  /** One batch of {@link #reencrypt}: rows rewritten under the current key, rows that could not be read, the last key seen (null: none left). */
  public record RotationBatch(int reencrypted, int unreadable, String last) {}

  /**
   * Where a table keeps its encrypted value: the row's key column (and its SQL type, for the keyset), the value's
   * column, and what each value is bound to (its associated data: the row's id, or {@code profile:<userId>}).
   */
  private record Encrypted(String key, String keyType, String column, String boundTo) {
    String associatedData(String rowKey) {
      return boundTo + rowKey;
    }
  }

  private static Encrypted encrypted(String table) {
    return switch (table) {
      case "messages" -> new Encrypted("id", "uuid", "content", "");
      case "sessions" -> new Encrypted("id", "uuid", "title", "");
      case "progress_records" -> new Encrypted("id", "uuid", "data", "");
      case "profiles" -> new Encrypted("user_id", "text", "document", "profile:");
      default -> throw new IllegalArgumentException("no encrypted column in " + table);
    };
  }

  /**
   * Rewrites under the current key up to {@code limit} values of {@code table} (messages, sessions, profiles or
   * progress_records) that are plaintext or under another key, in key order after {@code after} (null: from
   * the start), in one transaction. Rows locked by a running server are skipped, not waited for.
   */
  public Future<RotationBatch> reencrypt(String table, String after, int limit) {
    Encrypted e = encrypted(table);
    String select = "SELECT " + e.key() + "::text AS row_key, " + e.column() + " AS value, key_id FROM " + table
        + " WHERE " + e.column() + " IS NOT NULL AND key_id IS DISTINCT FROM $1"
        + (after == null ? "" : " AND " + e.key() + " > $2::" + e.keyType())
        + " ORDER BY " + e.key() + " LIMIT " + limit + " FOR UPDATE SKIP LOCKED";
    Tuple args = after == null ? Tuple.of(cipher.keyId()) : Tuple.of(cipher.keyId(), after);
    String update = "UPDATE " + table + " SET " + e.column() + " = $2, key_id = $3 WHERE " + e.key() + " = $1::" + e.keyType();
    return pool.withTransaction(conn -> conn.preparedQuery(select).execute(args).compose(rows -> {
      List<Tuple> updates = new ArrayList<>(rows.size());
      int unreadable = 0;
      String last = null;
      for (Row row : rows) {
        last = row.getString("row_key");
        String boundTo = e.associatedData(last);
        try {
          String plain = open(table, boundTo, row.getString("value"), row.getString("key_id"));
          updates.add(Tuple.of(last, cipher.encrypt(boundTo, plain), cipher.keyId()));
        } catch (DecryptionException failed) {
          unreadable++;
        }
      }
      RotationBatch batch = new RotationBatch(updates.size(), unreadable, last);
      return updates.isEmpty() ? Future.succeededFuture(batch)
          : conn.preparedQuery(update).executeBatch(updates).map(batch);
    }));
  }

  /** How many values of {@code table} are not (yet) under the current key. */
  public Future<Long> notUnderCurrentKey(String table) {
    String column = encrypted(table).column();
    return pool.preparedQuery("SELECT count(*) FROM " + table + " WHERE " + column + " IS NOT NULL AND key_id IS DISTINCT FROM $1")
        .execute(Tuple.of(cipher.keyId())).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The plaintext of a stored value: as is without a key id (written before encryption), else decrypted. */
  private String open(String table, String rowId, String stored, String keyId) {
    if (keyId == null || stored == null) {
      return stored;
    }
    try {
      return cipher.decrypt(rowId, stored);
    } catch (DecryptionException e) {
      LOG.error("cannot decrypt {} row {} (key id {}): {}", table, rowId, keyId, e.reason());
      throw e;
    }
  }
}
