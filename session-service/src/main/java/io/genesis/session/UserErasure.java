package io.genesis.session;

import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.common.bus.Messages.EraseResult;
import io.genesis.common.bus.Messages.EraseUser;
import io.genesis.common.error.ServiceException;
import io.genesis.common.redis.RedisKeys;
import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.CoachingRepository;
import io.genesis.session.db.IdempotencyRepository;
import io.genesis.session.db.SessionRepository;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code USER_ERASE}: deletes everything stored about a user, in short statements so that a user with
 * 100,000 messages never holds one long transaction. Per batch of {@link #BATCH} sessions: their cache
 * entries go first (both layers, every instance; a Redis failure stops here with 503 and loses nothing,
 * since the rows are still there for the retry), then their messages {@link #BATCH} rows at a time, then
 * the sessions, then the cache entries once more (a read may have reloaded one meanwhile). Then the
 * user's idempotency keys ({@link #BATCH} rows per statement; their outcomes name the user's messages), the user's
 * progress records ({@link #BATCH} per statement) and profile, with the profile's cache entries (both layers, every
 * instance; a Redis failure is a 503, as above), last the user's rate-limit window and the event journals of their recent replies (those stored within the
 * journals' lifetime, and those their idempotency keys name). Idempotent: a second erasure finds nothing and succeeds.
 */
final class UserErasure {
  private static final Logger LOG = LoggerFactory.getLogger(UserErasure.class);
  /** Sessions per batch, and messages per DELETE statement. */
  static final int BATCH = 1_000;

  private final SessionRepository repository;
  private final IdempotencyRepository keys;
  private final CoachingRepository coaching;
  private final SessionCaches caches;
  /** The erasure is recorded here, by the service that did it, so a caller that timed out cannot lose the record. */
  private final AuditService audit;
  static final String ACTION = "user.erase";
  /** A gateway keeps a reply's journal at least this long after its last event, whatever the TTL after its end. */
  static final int RUNNING_JOURNAL_MINUTES = 15;
  /** Replies stored this recently may still have their event journal in Redis. */
  private final int journalWindowMinutes;

  /**
   * @param replyEventsTtlSeconds how long a gateway keeps a reply's events after it ended
   *     ({@code GENESIS_REPLY_EVENTS_TTL_SECONDS}): the journals of replies that recent are deleted too
   */
  UserErasure(SessionRepository repository, IdempotencyRepository keys, CoachingRepository coaching, SessionCaches caches,
              AuditService audit, int replyEventsTtlSeconds) {
    this.coaching = coaching;
    this.journalWindowMinutes = replyEventsTtlSeconds / 60 + RUNNING_JOURNAL_MINUTES + 5;
    this.repository = repository;
    this.keys = keys;
    this.caches = caches;
    this.audit = audit;
  }

  Future<EraseResult> erase(EraseUser request) {
    if (request.userId() == null || request.userId().isBlank()) {
      throw ServiceException.badRequest("userId: required");
    }
    String userId = request.userId();
    List<String> journals = new ArrayList<>();
    return repository.recentReplyIds(userId, journalWindowMinutes, BATCH * 10)
        .onSuccess(ids -> ids.forEach(id -> journals.add(RedisKeys.replyEvents(id.toString()))))
        .compose(recent -> batches(userId, new EraseResult(0, 0)))
        .compose(result -> deleteKeys(userId, journals, 0)
            .compose(keyCount -> deleteProgress(userId, 0).compose(records -> coaching.deleteProfile(userId)
                .compose(profiles -> strict(caches.eraseProfile(userId)))
                .compose(v -> strict(caches.erase(List.of(), redisKeys(userId, journals))))
                .compose(v -> audited(userId, "sessions=" + result.sessions() + " messages=" + result.messages()
                    + " idempotencyKeys=" + keyCount + " progressRecords=" + records))))
            .map(result))
        .onSuccess(result -> LOG.info("erased user data: {} sessions, {} messages", result.sessions(), result.messages()));
  }

  /** The user's rate-limit window and the event journals of their recent replies (kept minutes, encrypted). */
  private static List<String> redisKeys(String userId, List<String> journals) {
    List<String> keys = new ArrayList<>(journals.size() + 1);
    keys.add(RedisKeys.rateLimitUserWindow(userId));
    keys.addAll(journals);
    return keys;
  }

  private Future<Void> audited(String userId, String details) {
    return audit.record(new AuditEntry(userId, ACTION, userId, details)).recover(e -> {
      LOG.error("erasure done but not audited: {}", e.getMessage());
      return Future.succeededFuture();
    }).mapEmpty();
  }

  private Future<EraseResult> batches(String userId, EraseResult sofar) {
    return repository.sessionIdsOf(userId, BATCH).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(sofar);
      }
      List<String> keys = ids.stream().map(UUID::toString).toList();
      return strict(caches.erase(keys, List.of()))
          .compose(cleared -> deleteMessages(ids, 0))
          .compose(messages -> repository.deleteSessions(ids, userId)
              // Awaited: a read that raced the delete may have cached a copy; only the later pass is best effort.
              .compose(sessions -> strict(caches.eraseAgain(keys))
                  .map(cleared -> new EraseResult(sofar.sessions() + sessions, sofar.messages() + messages))))
          .compose(next -> batches(userId, next));
    });
  }

  private Future<Long> deleteMessages(List<UUID> sessionIds, long sofar) {
    return repository.deleteMessagesOf(sessionIds, BATCH).compose(deleted -> deleted < BATCH
        ? Future.succeededFuture(sofar + deleted)
        : deleteMessages(sessionIds, sofar + deleted));
  }

  /** Deletes the user's progress records, {@link #BATCH} per statement; answers how many. */
  private Future<Long> deleteProgress(String userId, long sofar) {
    return coaching.deleteProgressOf(userId, BATCH).compose(deleted -> deleted < BATCH
        ? Future.succeededFuture(sofar + deleted)
        : deleteProgress(userId, sofar + deleted));
  }

  /** Deletes the user's keys; the journals of the replies they name go too (a reply that was never stored has one). */
  private Future<Long> deleteKeys(String userId, List<String> journals, long sofar) {
    return keys.deleteOfUser(userId, BATCH).compose(replies -> {
      replies.forEach(reply -> journals.add(RedisKeys.replyEvents(reply)));
      return replies.size() < BATCH ? Future.succeededFuture(sofar + replies.size())
          : deleteKeys(userId, journals, sofar + replies.size());
    });
  }

  private static Future<Void> strict(Future<Void> cacheErasure) {
    return cacheErasure.recover(e -> {
      LOG.warn("erasure stopped: the cache did not confirm ({})", e.getMessage());
      return Future.failedFuture(ServiceException.unavailable("cache unavailable: erasure incomplete, retry"));
    });
  }
}
