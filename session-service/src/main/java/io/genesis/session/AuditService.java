package io.genesis.session;

import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.common.bus.Messages.AuditPage;
import io.genesis.common.bus.Messages.AuditView;
import io.genesis.common.bus.Messages.ListAudit;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.db.AuditRepository;
import io.genesis.session.db.Keyset;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: who did what, when. Entries carry names and ids (an actor, an action, a route or
 * user id, a summary), never message content; fields are bounded so nobody can store text through it.
 */
final class AuditService {
  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
  static final String SYSTEM = "system";
  static final int MAX_FIELD = 200;
  static final int MAX_DETAILS = 1000;

  private final AuditRepository repository;

  AuditService(AuditRepository repository) {
    this.repository = repository;
  }

  /** Stores the entry; a failure is logged too, as the sender (fire-and-forget) never sees it. */
  Future<Void> record(AuditEntry entry) {
    String actor = required("actor", entry.actor());
    String action = required("action", entry.action());
    return repository.insert(Ids.newId(), actor, action, bounded("subject", entry.subject(), MAX_FIELD),
            bounded("details", entry.details(), MAX_DETAILS))
        .onFailure(e -> LOG.warn("audit entry {} by {} not stored: {}", action, actor, e.toString()));
  }

  Future<AuditPage> list(ListAudit request) {
    int limit = SessionService.clamp(request.limit());
    Keyset after = Cursors.decode(request.cursor());
    String action = request.action() == null || request.action().isEmpty() ? null : request.action();
    return repository.list(action, after, limit + 1).map(rows -> {
      if (rows.size() <= limit) {
        return new AuditPage(rows, null);
      }
      List<AuditView> page = List.copyOf(rows.subList(0, limit));
      AuditView last = page.get(limit - 1);
      return new AuditPage(page, Cursors.encode(last.at(), last.id()));
    });
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw ServiceException.badRequest(field + ": required");
    }
    return bounded(field, value, MAX_FIELD);
  }

  /** Cut, not refused: an entry that is too long must still be recorded (its start says what happened). */
  private static String bounded(String field, String value, int max) {
    return value != null && value.length() > max ? value.substring(0, max - 1) + "…" : value;
  }
}
