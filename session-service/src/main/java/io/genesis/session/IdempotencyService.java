package io.genesis.session;

import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ClaimResult;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ExportKeysRequest;
import io.genesis.common.bus.Messages.ExportedKeys;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyOutcome;
import io.genesis.common.bus.Messages.IdempotencyRelease;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.db.Deadline;
import io.genesis.session.db.IdempotencyRepository;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * The {@code IDEMPOTENCY_*} addresses and {@code USER_EXPORT_KEYS}: validation, then one statement each
 * (see {@link IdempotencyRepository}). Keys are case-sensitive, 1 to {@link #MAX_KEY} characters (code
 * points). Bad input is 400; a key that changed hands twice while being claimed is 409 (try again).
 */
final class IdempotencyService {
  static final int MAX_KEY = 255;
  /** Ids and digests are short; anything longer is a caller's bug. */
  static final int MAX_ID = 255;
  /** An outcome is a small JSON text (a completion's whole text at most). */
  static final int MAX_OUTCOME = 1 << 20;
  static final int MAX_EXPORTED = 10_000;

  private final IdempotencyRepository repository;

  IdempotencyService(IdempotencyRepository repository) {
    this.repository = repository;
  }

  /** Claimed, or the key's first use (outcome decrypted). */
  Future<ClaimResult> claim(IdempotencyClaim claim, Deadline deadline) {
    user(claim.userId());
    key(claim.key());
    boolean messages = Messages.IDEMPOTENCY_MESSAGES.equals(claim.route());
    if (!messages && !Messages.IDEMPOTENCY_COMPLETIONS.equals(claim.route())) {
      throw ServiceException.badRequest("route: must be messages or completions");
    }
    text("digest", claim.digest());
    text("replyId", claim.replyId());
    UUID sessionId = id("sessionId", claim.sessionId(), messages);
    UUID messageId = id("messageId", claim.messageId(), messages);
    return claimOrRead(deadline, claim, sessionId, messageId, true);
  }

  /** The row read after a failed claim may be gone (its attempt released it): the claim is tried once more. */
  private Future<ClaimResult> claimOrRead(Deadline deadline, IdempotencyClaim claim, UUID sessionId, UUID messageId, boolean mayRetry) {
    return repository.claim(deadline, claim, sessionId, messageId).compose(claimed -> claimed
        ? Future.succeededFuture(new ClaimResult(true, null))
        : repository.find(claim.userId(), claim.key()).compose(existing -> {
          if (existing != null) {
            return Future.succeededFuture(new ClaimResult(false, existing));
          }
          return mayRetry ? claimOrRead(deadline, claim, sessionId, messageId, false)
              : Future.failedFuture(new ServiceException(409, "idempotency key changing hands, retry"));
        }));
  }

  /** Records the outcome of the attempt {@code replyId}; a key no longer held by it is left alone. */
  Future<Empty> finish(IdempotencyOutcome request, Deadline deadline) {
    user(request.userId());
    key(request.key());
    text("replyId", request.replyId());
    if (request.outcome() == null || request.outcome().length() > MAX_OUTCOME) {
      throw ServiceException.badRequest("outcome: required, at most " + MAX_OUTCOME + " characters");
    }
    return repository.finish(deadline, request.userId(), request.key(), request.replyId(), request.outcome()).map(Empty.INSTANCE);
  }

  /** Frees the key if the attempt {@code replyId} still holds it without an outcome; else nothing. */
  Future<Empty> release(IdempotencyRelease request, Deadline deadline) {
    user(request.userId());
    key(request.key());
    text("replyId", request.replyId());
    return repository.release(deadline, request.userId(), request.key(), request.replyId()).map(Empty.INSTANCE);
  }

  /** The user's unexpired keys, oldest first, at most {@link #MAX_EXPORTED}. */
  Future<ExportedKeys> export(ExportKeysRequest request) {
    user(request.userId());
    return repository.export(request.userId(), MAX_EXPORTED).map(ExportedKeys::new);
  }

  private static void user(String userId) {
    if (userId == null || userId.isBlank()) {
      throw ServiceException.badRequest("userId: required");
    }
  }

  private static void key(String key) {
    // PostgreSQL text cannot hold NUL.
    if (key == null || key.isEmpty() || key.codePointCount(0, key.length()) > MAX_KEY || key.indexOf('\0') >= 0) {
      throw ServiceException.badRequest("key: 1 to " + MAX_KEY + " characters, no NUL");
    }
  }

  private static void text(String field, String value) {
    if (value == null || value.isBlank() || value.length() > MAX_ID) {
      throw ServiceException.badRequest(field + ": required, at most " + MAX_ID + " characters");
    }
  }

  /** A valid id, or null when absent and not {@code required}. */
  private static UUID id(String field, String value, boolean required) {
    if (value == null && !required) {
      return null;
    }
    UUID id = Ids.parseOrNull(value);
    if (id == null) {
      throw ServiceException.badRequest(field + ": " + (value == null ? "required" : "not a valid id"));
    }
    return id;
  }
}
