package io.genesis.session.db;

import io.genesis.common.bus.Messages.AuditView;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Every SQL statement of the audit trail ({@code audit_log}, see V4__audit_log.sql). */
public final class AuditRepository {
  private static final String COLUMNS = "id, at, actor, action, subject, details";
  private static final String INSERT = "INSERT INTO audit_log (id, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)";

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(UUID id, String actor, String action, String subject, String details) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, actor, action, subject, details)).mapEmpty();
  }

  /** Up to {@code limit} entries, newest first, older than {@code after} (null: the newest); {@code action} null: all. */
  public Future<List<AuditView>> list(String action, Keyset after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM audit_log WHERE true");
    Tuple args = Tuple.tuple();
    if (action != null) {
      args.addString(action);
      sql.append(" AND action = $").append(args.size());
    }
    if (after != null) {
      args.addOffsetDateTime(after.at()).addUUID(after.id());
      sql.append(" AND (at, id) < ($").append(args.size() - 1).append(", $").append(args.size()).append(')');
    }
    sql.append(" ORDER BY at DESC, id DESC LIMIT ").append(limit);
    return pool.preparedQuery(sql.toString()).execute(args).map(rows -> {
      List<AuditView> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(toView(row)));
      return items;
    });
  }

  private static AuditView toView(Row row) {
    return new AuditView(row.getUUID("id").toString(), row.getOffsetDateTime("at").toInstant(), row.getString("actor"),
        row.getString("action"), row.getString("subject"), row.getString("details"));
  }
}
