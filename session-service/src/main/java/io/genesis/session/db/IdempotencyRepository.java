package io.genesis.session.db;

import io.genesis.common.bus.Messages.ExportedKey;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyRecord;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SQL statement on {@code idempotency_keys}. A key is kept {@link #TTL} from its claim; an older row
 * counts as absent everywhere (claimed anew, not exported) until the expiry job deletes it. The outcome is
 * encrypted here (associated data: {@link #associatedData}, so an outcome copied to another key or attempt
 * does not decrypt) and decrypted on read: nothing outside this class sees ciphertext.
 */
public final class IdempotencyRepository {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyRepository.class);
  /** How long a key is kept (the IETF draft and Stripe keep keys 24 h). */
  public static final String TTL = "24 hours";
  /**
   * A claim without an outcome this old whose message was never stored is taken over: its gateway died
   * before storing anything (a live request stores its message within seconds of its claim).
   */
  public static final String STALE_CLAIM = "10 minutes";

  private static final String COLUMNS = "key, route, digest, session_id, message_id, reply_id, outcome, key_id, created_at";
  /**
   * One atomic decision by the primary key: a new key is inserted; an expired one, or a stale claim that
   * stored nothing, is taken over in place. Any other existing row is left alone and nothing is returned.
   */
  private static final String CLAIM = "INSERT INTO idempotency_keys "
      + "(user_id, key, route, digest, session_id, message_id, reply_id, outcome, key_id, created_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, clock_timestamp()) "
      + "ON CONFLICT (user_id, key) DO UPDATE SET route = excluded.route, digest = excluded.digest, "
      + "session_id = excluded.session_id, message_id = excluded.message_id, reply_id = excluded.reply_id, "
      + "outcome = NULL, key_id = NULL, created_at = excluded.created_at "
      + "WHERE idempotency_keys.created_at < clock_timestamp() - interval '" + TTL + "' "
      + "OR (idempotency_keys.outcome IS NULL AND idempotency_keys.created_at < clock_timestamp() - interval '" + STALE_CLAIM + "' "
      + "AND NOT EXISTS (SELECT 1 FROM messages WHERE messages.id = idempotency_keys.message_id)) "
      + "RETURNING reply_id";
  private static final String FIND = "SELECT " + COLUMNS + " FROM idempotency_keys WHERE user_id = $1 AND key = $2";
  private static final String FINISH = "UPDATE idempotency_keys SET outcome = $4, key_id = $5 "
      + "WHERE user_id = $1 AND key = $2 AND reply_id = $3";
  private static final String RELEASE = "DELETE FROM idempotency_keys "
      + "WHERE user_id = $1 AND key = $2 AND reply_id = $3 AND outcome IS NULL "
      // an append that timed out may have stored the message after all: then the key stays taken
      + "AND NOT EXISTS (SELECT 1 FROM messages WHERE id = idempotency_keys.message_id)";
  private static final String EXPORT = "SELECT key, route, session_id, message_id, reply_id, created_at, "
      + "CASE WHEN route = 'completions' THEN outcome END AS outcome, key_id FROM idempotency_keys "
      + "WHERE user_id = $1 AND created_at >= clock_timestamp() - interval '" + TTL + "' ORDER BY created_at, key LIMIT $2";
  /** One expiry batch; SKIP LOCKED as in the retention job (instances running it at once take different rows). */
  private static final String DELETE_EXPIRED = "DELETE FROM idempotency_keys WHERE (user_id, key) IN "
      + "(SELECT user_id, key FROM idempotency_keys WHERE created_at < clock_timestamp() - interval '" + TTL + "' "
      + "ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)";
  private static final String DELETE_OF_USER = "DELETE FROM idempotency_keys WHERE (user_id, key) IN "
      + "(SELECT user_id, key FROM idempotency_keys WHERE user_id = $1 LIMIT $2) RETURNING reply_id";

  private final Pool pool;
  private final FieldCipher cipher;

  public IdempotencyRepository(Pool pool, FieldCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
  }

  /** True when this claim now holds the key (new, expired, or a stale claim taken over). */
  public Future<Boolean> claim(Deadline deadline, IdempotencyClaim claim, UUID sessionId, UUID messageId) {
    Tuple args = Tuple.of(claim.userId(), claim.key(), claim.route(), claim.digest(), sessionId, messageId)
        .addString(claim.replyId());
    return Writes.before(pool, deadline, CLAIM, args).map(rows -> rows.size() > 0);
  }

  /** The key's row with its outcome decrypted, or null when there is none. */
  public Future<IdempotencyRecord> find(String userId, String key) {
    return pool.preparedQuery(FIND).execute(Tuple.of(userId, key)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      String replyId = row.getString("reply_id");
      return new IdempotencyRecord(row.getString("key"), row.getString("route"), row.getString("digest"),
          idOrNull(row.getUUID("session_id")), idOrNull(row.getUUID("message_id")), replyId,
          open(userId, key, replyId, row.getString("outcome"), row.getString("key_id")),
          row.getOffsetDateTime("created_at").toInstant());
    });
  }

  /** Sets the outcome of the attempt {@code replyId}; answers whether a row matched. */
  public Future<Boolean> finish(Deadline deadline, String userId, String key, String replyId, String outcome) {
    Tuple args = Tuple.of(userId, key, replyId, cipher.encrypt(associatedData(userId, key, replyId), outcome), cipher.keyId());
    return Writes.before(pool, deadline, FINISH, args).map(rows -> rows.rowCount() > 0);
  }

  /** Deletes the claim of the attempt {@code replyId} while it has no outcome; answers whether it did. */
  public Future<Boolean> release(Deadline deadline, String userId, String key, String replyId) {
    return Writes.before(pool, deadline, RELEASE, Tuple.of(userId, key, replyId)).map(rows -> rows.rowCount() > 0);
  }

  /** Up to {@code limit} unexpired keys of a user, oldest first. */
  public Future<List<ExportedKey>> export(String userId, int limit) {
    return pool.preparedQuery(EXPORT).execute(Tuple.of(userId, limit)).map(rows -> {
      List<ExportedKey> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(new ExportedKey(row.getString("key"), row.getString("route"),
          idOrNull(row.getUUID("session_id")), idOrNull(row.getUUID("message_id")), row.getString("reply_id"),
          row.getOffsetDateTime("created_at").toInstant(), completion(userId, row))));
      return items;
    });
  }

  /** A completion key's kept answer (OpenAI's object) for the export; null for other keys and while it runs. */
  private com.fasterxml.jackson.databind.JsonNode completion(String userId, Row row) {
    String outcome = row.getString("outcome");
    if (outcome == null) {
      return null;
    }
    String text = open(userId, row.getString("key"), row.getString("reply_id"), outcome, row.getString("key_id"));
    return text == null ? null : io.genesis.common.json.Json.fromString(text, com.fasterxml.jackson.databind.JsonNode.class)
        .path("completion");
  }

  /** Deletes up to {@code batch} expired keys, oldest first, in one statement; answers how many. */
  public Future<Integer> deleteExpired(int batch) {
    return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(batch)).map(RowSet::rowCount);
  }

  /** Deletes up to {@code limit} keys of a user in one short statement (erasure); answers their reply ids. */
  public Future<List<String>> deleteOfUser(String userId, int limit) {
    return pool.preparedQuery(DELETE_OF_USER).execute(Tuple.of(userId, limit)).map(rows -> {
      List<String> replies = new ArrayList<>(rows.size());
      rows.forEach(row -> replies.add(row.getString("reply_id")));
      return replies;
    });
  }

  /** Binds an outcome to its user, key and attempt. */
  private static String associatedData(String userId, String key, String replyId) {
    return "idem:" + userId + ":" + key + ":" + replyId;
  }

  private String open(String userId, String key, String replyId, String stored, String keyId) {
    if (keyId == null || stored == null) {
      return stored;
    }
    try {
      return cipher.decrypt(associatedData(userId, key, replyId), stored);
    } catch (DecryptionException e) {
      LOG.error("cannot decrypt an idempotency outcome (key id {}): {}", keyId, e.reason());
      throw e;
    }
  }

  private static String idOrNull(UUID id) {
    return id == null ? null : id.toString();
  }
}
