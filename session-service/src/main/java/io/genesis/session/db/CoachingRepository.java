package io.genesis.session.db;

import io.genesis.common.api.ProgressKinds;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressView;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.crypto.FieldCipher;
import io.genesis.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SQL statement on what the coaches remember: profiles (one encrypted JSON document per user) and progress
 * records (one row per measurement, its value and exercise in one encrypted JSON envelope; kind and time plain for
 * the pages and filters). The associated data of an envelope is {@code profile:<userId>} or the record's id, so a
 * value copied to another row does not open. Ownership is part of every statement's WHERE clause.
 */
public final class CoachingRepository {
  private static final Logger LOG = LoggerFactory.getLogger(CoachingRepository.class);
  private static final String PROGRESS_COLUMNS = "id, kind, at, data, key_id, created_at";
  private static final String FIND_PROFILE = "SELECT document, key_id FROM profiles WHERE user_id = $1";
  private static final String LOCK_PROFILE = FIND_PROFILE + " FOR UPDATE";
  private static final String UPSERT_PROFILE = "INSERT INTO profiles (user_id, document, key_id) VALUES ($1, $2, $3) "
      + "ON CONFLICT (user_id) DO UPDATE SET document = EXCLUDED.document, key_id = EXCLUDED.key_id, updated_at = clock_timestamp()";
  private static final String DELETE_PROFILE = "DELETE FROM profiles WHERE user_id = $1";
  private static final String INSERT_PROGRESS = "INSERT INTO progress_records (id, user_id, kind, at, data, key_id) "
      + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + PROGRESS_COLUMNS;
  private static final String DELETE_PROGRESS = "DELETE FROM progress_records WHERE id = $1 AND user_id = $2";
  private static final String DELETE_PROGRESS_OF_USER = "DELETE FROM progress_records WHERE id IN "
      + "(SELECT id FROM progress_records WHERE user_id = $1 LIMIT $2)";

  private final Pool pool;
  private final FieldCipher cipher;

  public CoachingRepository(Pool pool, FieldCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
  }

  // ---- the profile ----

  /** The user's profile, {@link Profile#EMPTY} when none is stored. */
  public Future<Profile> findProfile(String userId) {
    return pool.preparedQuery(FIND_PROFILE).execute(Tuple.of(userId)).map(rows -> profileOf(userId, rows));
  }

  /** Stores the profile (an empty one deletes the row), committed before the future completes. */
  public Future<Profile> putProfile(Deadline deadline, String userId, Profile profile) {
    if (profile.isEmpty()) {
      return Writes.before(pool, deadline, DELETE_PROFILE, Tuple.of(userId)).map(Profile.EMPTY);
    }
    return Writes.before(pool, deadline, UPSERT_PROFILE, Tuple.of(userId, seal(userId, profile), cipher.keyId())).map(profile);
  }

  /**
   * Reads the stored profile under a row lock, applies {@code change} (which may throw to refuse it) and stores
   * the result, in one transaction that commits only before {@code deadline}: two patches at once both apply, one
   * after the other.
   */
  public Future<Profile> updateProfile(Deadline deadline, String userId, UnaryOperator<Profile> change) {
    return Writes.transactionBefore(pool, deadline, conn -> conn.preparedQuery(LOCK_PROFILE).execute(Tuple.of(userId))
        .compose(rows -> {
          Profile updated = change.apply(profileOf(userId, rows));
          Future<RowSet<Row>> write = updated.isEmpty()
              ? conn.preparedQuery(DELETE_PROFILE).execute(Tuple.of(userId))
              : conn.preparedQuery(UPSERT_PROFILE).execute(Tuple.of(userId, seal(userId, updated), cipher.keyId()));
          return write.map(updated);
        }));
  }

  public Future<Integer> deleteProfile(String userId) {
    return pool.preparedQuery(DELETE_PROFILE).execute(Tuple.of(userId)).map(RowSet::rowCount);
  }

  private String seal(String userId, Profile profile) {
    return cipher.encrypt(profileData(userId), Json.toString(profile));
  }

  private Profile profileOf(String userId, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Profile.EMPTY;
    }
    Row row = rows.iterator().next();
    return Json.fromString(open("profile of a user", profileData(userId), row.getString("document"), row.getString("key_id")),
        Profile.class);
  }

  private static String profileData(String userId) {
    return "profile:" + userId;
  }

  // ---- progress records ----

  public Future<ProgressView> insertProgress(Deadline deadline, UUID id, String userId, String kind, double value, Instant at,
                                             String exercise) {
    JsonObject data = new JsonObject().put("value", value);
    if (exercise != null) {
      data.put("exercise", exercise);
    }
    Tuple args = Tuple.of(id, userId, kind, OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
        cipher.encrypt(id.toString(), data.encode()), cipher.keyId());
    return Writes.before(pool, deadline, INSERT_PROGRESS, args).map(rows -> toProgress(rows.iterator().next()));
  }

  /**
   * Up to {@code limit} records of the user, newest first by (at, id), strictly before {@code before} (null: from
   * the newest); {@code kind}, {@code from} (inclusive) and {@code to} (exclusive) narrow them when not null.
   */
  public Future<List<ProgressView>> listProgress(String userId, String kind, Instant from, Instant to, Keyset before,
                                                 int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(PROGRESS_COLUMNS).append(" FROM progress_records WHERE user_id = $1");
    Tuple args = Tuple.of(userId);
    if (kind != null) {
      args.addString(kind);
      sql.append(" AND kind = $").append(args.size());
    }
    if (from != null) {
      args.addOffsetDateTime(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
      sql.append(" AND at >= $").append(args.size());
    }
    if (to != null) {
      args.addOffsetDateTime(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      sql.append(" AND at < $").append(args.size());
    }
    if (before != null) {
      args.addOffsetDateTime(before.at()).addUUID(before.id());
      sql.append(" AND (at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(")");
    }
    sql.append(" ORDER BY at DESC, id DESC LIMIT ").append(limit);
    return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
      List<ProgressView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toProgress(row)));
      return items;
    });
  }

  /** True when the user had such a record (another user's record is left alone and answers false). */
  public Future<Boolean> deleteProgress(Deadline deadline, UUID id, String userId) {
    return Writes.before(pool, deadline, DELETE_PROGRESS, Tuple.of(id, userId)).map(rows -> rows.rowCount() > 0);
  }

  /** Deletes up to {@code limit} records of the user in one short statement; answers how many. */
  public Future<Integer> deleteProgressOf(String userId, int limit) {
    return pool.preparedQuery(DELETE_PROGRESS_OF_USER).execute(Tuple.of(userId, limit)).map(RowSet::rowCount);
  }

  private ProgressView toProgress(Row row) {
    String id = row.getUUID("id").toString();
    String kind = row.getString("kind");
    JsonObject data = new JsonObject(open("progress record", id, row.getString("data"), row.getString("key_id")));
    String unit = ProgressKinds.byName(kind).map(ProgressKinds.Kind::unit).orElse(null);
    return new ProgressView(id, kind, data.getDouble("value"), unit, row.getOffsetDateTime("at").toInstant(),
        data.getString("exercise"), row.getOffsetDateTime("created_at").toInstant());
  }

  /** The plaintext of a stored value: as is without a key id, else decrypted. */
  private String open(String what, String associatedData, String stored, String keyId) {
    if (keyId == null || stored == null) {
      return stored;
    }
    try {
      return cipher.decrypt(associatedData, stored);
    } catch (DecryptionException e) {
      LOG.error("cannot decrypt a {} (key id {}): {}", what, keyId, e.reason());
      throw e;
    }
  }
}
