package io.genesis.session;

import io.genesis.common.error.ServiceException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.DatabaseException;
import io.genesis.common.log.ThrottledLog;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a failure to the status the caller sees: the database or network unable to serve now
 * (connection refused, pool queue full or wait timed out, closed connection, statement timeout,
 * server shutting down or overloaded, serialization conflict) is 503; a programming error is 500.
 */
final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  /** "Cannot serve now" comes in floods under overload: a line a second with a count, not one per request. */
  private static final ThrottledLog UNAVAILABLE = ThrottledLog.warn(LOG);
  /**
   * SQLSTATE classes and codes meaning "cannot serve now": connection (08), authorization (28, at
   * connect), rollback (40), resources (53), operator intervention (57), lock timeout (55P03),
   * database not accepting connections (55000) or absent (3D000).
   */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "28", "40", "53", "57");
  private static final Set<String> TRANSIENT_CODES = Set.of("55P03", "55000", "55006", "3D000");

  private Failures() {}

  static ServiceException toServiceException(Throwable failure) {
    if (failure instanceof ServiceException known) {
      return known;
    }
    if (failure instanceof DatabaseException db) {
      return database(db);
    }
    if (isBug(failure)) {
      LOG.error("session service failure", failure);
      return new ServiceException(500, "internal error");
    }
    UNAVAILABLE.log("database unavailable: {}", failure.toString());
    return ServiceException.unavailable("session store unavailable");
  }

  private static ServiceException database(DatabaseException db) {
    String state = db.getSqlState();
    if (state != null && (TRANSIENT_CODES.contains(state) || TRANSIENT_CLASSES.contains(state.substring(0, 2)))) {
      UNAVAILABLE.log("database unavailable: SQLSTATE {} {}", state, primaryMessage(db));
      return ServiceException.unavailable("session store unavailable");
    }
    LOG.error("database error SQLSTATE {} {}", state, primaryMessage(db));
    return new ServiceException(500, "database error");
  }

  /** The server's primary message only: its detail may quote row values, i.e. message content. */
  private static String primaryMessage(DatabaseException db) {
    return db instanceof PgException pg ? pg.getErrorMessage() : db.getClass().getSimpleName();
  }

  private static boolean isBug(Throwable failure) {
    return failure instanceof NullPointerException || failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException || failure instanceof ClassCastException
        || failure instanceof IndexOutOfBoundsException || failure instanceof UnsupportedOperationException;
  }
}
