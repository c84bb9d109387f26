package io.genesis.session.crypto;

import io.genesis.common.config.GenesisConfig;
import io.genesis.common.crypto.FieldCipher;
import io.genesis.common.id.Ids;
import io.genesis.session.db.AuditRepository;
import io.genesis.session.db.Migrations;
import io.genesis.session.db.PgPools;
import io.genesis.session.db.SessionRepository;
import io.genesis.session.db.SessionRepository.RotationBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code genesis rotate-keys}: rewrites every encrypted value (and every value written before
 * encryption existed) under the current key, in batches of one transaction each. Safe while
 * servers run: they read both keys, and rows they hold locked are skipped, then retried in another
 * pass.
 */
public final class KeyRotation {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);
  public static final List<String> TABLES = List.of("messages", "sessions", "profiles", "progress_records");
  /** Passes over a table; after the first, only rows a server had locked are left. */
  static final int MAX_PASSES = 5;

  /** Per table: values rewritten, values no key could read, values still not under the current key. */
  public record TableResult(String table, long reencrypted, long unreadable, long remaining) {}

  /** The rotation in the audit trail: who (system), what, when; counts only. */
  private static Future<Void> audit(Pool pool, Result result) {
    String details = result.tables().stream()
        .map(t -> t.table() + ": " + t.reencrypted() + " re-encrypted, " + t.unreadable() + " unreadable, " + t.remaining() + " left")
        .collect(java.util.stream.Collectors.joining("; "));
    return new AuditRepository(pool).insert(Ids.newId(), "system", "key.rotation", "key " + result.keyId(), details);
  }

  public record Result(String keyId, List<TableResult> tables) {
    public boolean complete() {
      return tables.stream().allMatch(t -> t.remaining() == 0);
    }
  }

  private KeyRotation() {}

  /** Migrates the schema if needed (the key_id columns), then rotates every table. */
  public static Future<Result> run(Vertx vertx, GenesisConfig config, int batch) {
    return Migrations.run(vertx, config.pgUrl())
        .compose(applied -> rotate(vertx, config, batch, PgPools.createForTransactions(vertx, config.pgUrl())));
  }

  private static Future<Result> rotate(Vertx vertx, GenesisConfig config, int batch, Pool pool) {
    return FieldCipher.create(vertx, config)
        .compose(cipher -> {
          LOG.info("re-encrypting under key id {} in batches of {}", cipher.keyId(), batch);
          SessionRepository repository = new SessionRepository(pool, cipher);
          return tables(repository, TABLES, batch, new ArrayList<>()).map(tables -> new Result(cipher.keyId(), tables));
        })
        .compose(result -> audit(pool, result).map(result))
        .eventually(pool::close);
  }

  /** The tables one after the other, in order. */
  private static Future<List<TableResult>> tables(SessionRepository repository, List<String> names, int batch,
                                                  List<TableResult> done) {
    if (done.size() == names.size()) {
      return Future.succeededFuture(List.copyOf(done));
    }
    return table(repository, names.get(done.size()), batch).compose(result -> {
      done.add(result);
      return tables(repository, names, batch, done);
    });
  }

  static Future<TableResult> table(SessionRepository repository, String table, int batch) {
    return pass(repository, table, batch, new TableResult(table, 0, 0, 0), 1);
  }

  private static Future<TableResult> pass(SessionRepository repository, String table, int batch, TableResult sofar, int number) {
    return batches(repository, table, null, batch, new TableResult(table, 0, 0, 0)).compose(thisPass -> {
      TableResult total = new TableResult(table, sofar.reencrypted() + thisPass.reencrypted(),
          Math.max(sofar.unreadable(), thisPass.unreadable()), 0);
      return repository.notUnderCurrentKey(table).compose(remaining -> {
        boolean onlyUnreadableLeft = remaining <= thisPass.unreadable();
        if (remaining == 0 || onlyUnreadableLeft || thisPass.reencrypted() == 0 || number >= MAX_PASSES) {
          return Future.succeededFuture(new TableResult(table, total.reencrypted(), total.unreadable(), remaining));
        }
        return pass(repository, table, batch, total, number + 1);
      });
    });
  }

  private static Future<TableResult> batches(SessionRepository repository, String table, String after, int batch, TableResult sofar) {
    return repository.reencrypt(table, after, batch).compose((RotationBatch done) -> {
      TableResult total = new TableResult(table, sofar.reencrypted() + done.reencrypted(),
          sofar.unreadable() + done.unreadable(), 0);
      if (done.last() == null) {
        return Future.succeededFuture(total);
      }
      if (total.reencrypted() % (batch * 20L) < done.reencrypted()) {
        LOG.info("{}: {} re-encrypted so far", table, total.reencrypted());
      }
      return batches(repository, table, done.last(), batch, total);
    });
  }
}
