package io.genesis.session;

import io.genesis.common.api.ProfileRules;
import io.genesis.common.api.ProgressKinds;
import io.genesis.common.bus.Messages.AddProgress;
import io.genesis.common.bus.Messages.CoachingContext;
import io.genesis.common.bus.Messages.CoachingContextRequest;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.GetProfile;
import io.genesis.common.bus.Messages.ListProgress;
import io.genesis.common.bus.Messages.PatchProfile;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressPage;
import io.genesis.common.bus.Messages.ProgressRef;
import io.genesis.common.bus.Messages.ProgressView;
import io.genesis.common.bus.Messages.PutProfile;
import io.genesis.common.error.Problem.FieldError;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.CoachingRepository;
import io.genesis.session.db.Deadline;
import io.genesis.session.db.Keyset;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the coaches remember of a user: the profile (cached in both layers by user id, invalidated on every write)
 * and progress records (keyset pages newest first, by the same opaque cursor as the session listing). Values are
 * checked here again ({@link ProfileRules}, {@link ProgressKinds}): the gateway's checks are not the only line.
 */
final class CoachingService {
  private final CoachingRepository repository;
  private final SessionCaches caches;

  CoachingService(CoachingRepository repository, SessionCaches caches) {
    this.repository = repository;
    this.caches = caches;
  }

  Future<Profile> profile(GetProfile request) {
    return profileOf(user(request.userId()));
  }

  private Future<Profile> profileOf(String userId) {
    return caches.profiles().get(userId, () -> repository.findProfile(userId));
  }

  Future<Profile> put(PutProfile request, Deadline deadline) {
    String userId = user(request.userId());
    Profile profile = valid(request.profile() == null ? Profile.EMPTY : request.profile());
    return repository.putProfile(deadline, userId, profile).compose(stored -> caches.invalidateProfile(userId).map(stored));
  }

  Future<Profile> patch(PatchProfile request, Deadline deadline) {
    String userId = user(request.userId());
    Profile set = request.set() == null ? Profile.EMPTY : request.set();
    List<String> cleared = request.cleared() == null ? List.of() : request.cleared();
    return repository.updateProfile(deadline, userId, current -> valid(current.merged(set, cleared)))
        .compose(stored -> caches.invalidateProfile(userId).map(stored));
  }

  Future<ProgressView> add(AddProgress request, Deadline deadline) {
    String userId = user(request.userId());
    ProgressKinds.Kind kind = ProgressKinds.byName(request.kind())
        .orElseThrow(() -> ServiceException.badRequest("kind: must be one of " + String.join(", ", ProgressKinds.NAMES)));
    if (!Double.isFinite(request.value()) || request.value() < kind.min() || request.value() > kind.max()) {
      throw ServiceException.badRequest("value: out of range for " + kind.name());
    }
    String exercise = request.exercise() == null || request.exercise().isBlank() ? null : request.exercise().strip();
    if (kind.needsExercise() != (exercise != null)) {
      throw ServiceException.badRequest(kind.needsExercise() ? "exercise: required for " + kind.name()
          : "exercise: only for lift_1rm");
    }
    Instant at = request.at() == null ? Instant.now() : request.at();
    return repository.insertProgress(deadline, Ids.newId(), userId, kind.name(), request.value(), at, exercise);
  }

  Future<ProgressPage> list(ListProgress request) {
    String userId = user(request.userId());
    int limit = SessionService.clamp(request.limit());
    Keyset before = Cursors.decode(request.cursor());
    return repository.listProgress(userId, request.kind(), request.from(), request.to(), before, limit + 1).map(rows -> {
      if (rows.size() <= limit) {
        return new ProgressPage(rows, null);
      }
      List<ProgressView> page = List.copyOf(rows.subList(0, limit));
      ProgressView last = page.get(limit - 1);
      return new ProgressPage(page, Cursors.encode(last.at(), last.id()));
    });
  }

  Future<Empty> delete(ProgressRef request, Deadline deadline) {
    String userId = user(request.userId());
    UUID id = Ids.parseOrNull(request.id());
    if (id == null) {
      return Future.failedFuture(notFound());
    }
    return repository.deleteProgress(deadline, id, userId)
        .compose(deleted -> deleted ? Future.succeededFuture(Empty.INSTANCE) : Future.failedFuture(notFound()));
  }

  /** The profile (from the caches) and the recent records, read at once: one round trip for the coach. */
  Future<CoachingContext> context(CoachingContextRequest request) {
    String userId = user(request.userId());
    Instant since = Instant.now().minus(Duration.ofDays(CoachingContext.COACHING_DAYS));
    Future<Profile> profile = profileOf(userId);
    Future<List<ProgressView>> recent = request.withRecords()
        ? repository.listProgress(userId, null, since, null, null, CoachingContext.COACHING_RECORDS)
        : Future.succeededFuture(List.of());
    return Future.all(profile, recent).map(both -> new CoachingContext(profile.result(), recent.result()));
  }

  private static Profile valid(Profile profile) {
    List<FieldError> errors = ProfileRules.check(profile);
    if (!errors.isEmpty()) {
      FieldError first = errors.get(0);
      throw ServiceException.badRequest(first.field() + ": " + first.message());
    }
    return profile;
  }

  private static String user(String userId) {
    if (userId == null || userId.isBlank()) {
      throw ServiceException.badRequest("userId: required");
    }
    return userId;
  }

  private static ServiceException notFound() {
    return ServiceException.notFound("progress record not found");
  }
}
