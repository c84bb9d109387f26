package io.genesis.session.db;

import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * One write statement that commits only before its request's {@link Deadline}. {@code BEGIN} and the
 * statement go out together (pipelined on one connection), then {@code COMMIT} if the deadline is still
 * ahead, else {@code ROLLBACK}: a PostgreSQL frozen mid-write that resumes later stores nothing the caller
 * was told failed. One round trip more than an autocommitted statement.
 */
final class Writes {
  private static final ServiceException LATE = ServiceException.unavailable("session store unavailable");

  private Writes() {}

  static Future<RowSet<Row>> before(Pool pool, Deadline deadline, String sql, Tuple args) {
    return transactionBefore(pool, deadline, conn -> conn.preparedQuery(sql).execute(args));
  }

  /** As {@link #before}, for a transaction of several statements ({@code work}, on the transaction's connection). */
  static <T> Future<T> transactionBefore(Pool pool, Deadline deadline, Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> {
      conn.query("BEGIN").execute();
      return work.apply(conn).transform(done -> {
        if (done.succeeded() && !deadline.passed()) {
          return conn.query("COMMIT").execute().map(committed -> {
            deadline.markCommitted();
            return done.result();
          });
        }
        Future<T> outcome = done.succeeded() ? Future.failedFuture(LATE) : Future.failedFuture(done.cause());
        return conn.query("ROLLBACK").execute().transform(rolledBack -> outcome);
      });
    });
  }
}
