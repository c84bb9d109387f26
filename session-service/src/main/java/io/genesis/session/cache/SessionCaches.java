package io.genesis.session.cache;

import io.micrometer.core.instrument.MeterRegistry;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The two caches of the session service, by session id (Redis values encrypted, see {@link TwoLayerCache}):
 * <ul>
 *   <li>{@code sessions}: the session's metadata ({@link SessionView}), Redis key {@code genesis:v1:session:<id>};
 *   <li>{@code messages}: the first page of its messages ({@link FirstPage}), {@code genesis:v1:messages:<id>};
 *   <li>{@code profiles}, by user id: the user's coaching profile ({@link Profile}, {@link Profile#EMPTY} for none),
 *       {@code genesis:v1:profile:<userId>}; its invalidations travel as {@code {userIds:[…], caches:["profiles"]}}.
 * </ul>
 * Writes invalidate here, in Redis and, through {@link InvalidationBus}, in the other instances'
 * L1; each remote invalidation applied is announced locally on
 * {@link Addresses#SESSION_CACHE_INVALIDATED} as {@code {sessionIds:[…], caches:[…], origin}}, or
 * {@code {all:true}} when L1 was cleared after the subscriber reconnected.
 */
public final class SessionCaches {
  public static final String KEY_PREFIX = "genesis:v1:";
  public static final String SESSIONS = "sessions";
  public static final String MESSAGES = "messages";
  public static final String PROFILES = "profiles";
  public static final String PROFILE_PREFIX = KEY_PREFIX + "profile:";
  static final long L1_MAX_PROFILES = 50_000;
  static final Duration L1_TTL = Duration.ofMinutes(2);
  static final Duration L2_TTL = Duration.ofMinutes(10);
  /** Longer than a cache-filling read takes (an L2 miss plus one indexed query). */
  static final long SECOND_PASS_DELAY_MS = 500;
  static final long L1_MAX_SESSIONS = 50_000;
  /** About 32 MB of message text in L1 (see {@link FirstPage#weight()}). */
  static final long L1_MAX_MESSAGE_WEIGHT = 32L * 1024 * 1024;

  private final Vertx vertx;
  private final TwoLayerCache<SessionView> sessions;
  private final TwoLayerCache<FirstPage> messages;
  private final TwoLayerCache<Profile> profiles;
  private final InvalidationBus bus;
  private final RedisAPI redis;

  public SessionCaches(Vertx vertx, RedisAPI redis, Redis subscriberClient, String instanceId, FieldCipher cipher) {
    this.vertx = vertx;
    this.redis = redis;
    this.sessions = new TwoLayerCache<>(SESSIONS, KEY_PREFIX + "session:", SessionView.class,
        Caffeine.newBuilder().executor(Runnable::run).maximumSize(L1_MAX_SESSIONS).expireAfterWrite(L1_TTL).build(), redis, L2_TTL, cipher);
    this.messages = new TwoLayerCache<>(MESSAGES, KEY_PREFIX + "messages:", FirstPage.class,
        Caffeine.newBuilder().executor(Runnable::run).maximumWeight(L1_MAX_MESSAGE_WEIGHT).<String, FirstPage>weigher((id, page) -> page.weight())
            .expireAfterWrite(L1_TTL).build(), redis, L2_TTL, cipher);
    this.profiles = new TwoLayerCache<>(PROFILES, PROFILE_PREFIX, Profile.class,
        Caffeine.newBuilder().executor(Runnable::run).maximumSize(L1_MAX_PROFILES).expireAfterWrite(L1_TTL).build(), redis, L2_TTL, cipher);
    this.bus = new InvalidationBus(vertx, subscriberClient, redis, instanceId, this::applyRemote, this::clearLocal);
  }

  public Future<Void> start() {
    return bus.start();
  }

  public Future<Void> stop() {
    return bus.stop();
  }

  public void bindMetrics(MeterRegistry registry) {
    sessions.bindMetrics(registry);
    messages.bindMetrics(registry);
    profiles.bindMetrics(registry);
  }

  public TwoLayerCache<SessionView> sessions() {
    return sessions;
  }

  public TwoLayerCache<FirstPage> messages() {
    return messages;
  }

  /** Profiles by user id. */
  public TwoLayerCache<Profile> profiles() {
    return profiles;
  }

  /**
   * After a committed profile write: drops the user's profile here, in Redis and in the other instances, now and
   * once more a moment later (as {@link #invalidate}). Never fails.
   */
  public Future<Void> invalidateProfile(String userId) {
    vertx.setTimer(SECOND_PASS_DELAY_MS, timer -> invalidateProfileOnce(userId));
    return invalidateProfileOnce(userId);
  }

  private Future<Void> invalidateProfileOnce(String userId) {
    profiles.invalidateLocal(userId);
    return bus.deleteThenPublish(List.of(PROFILE_PREFIX + userId), profileEvent(userId));
  }

  private static JsonObject profileEvent(String userId) {
    return new JsonObject().put("userIds", new JsonArray().add(userId)).put("caches", new JsonArray().add(PROFILES));
  }

  /**
   * Erasure of a user's profile: as {@link #erase}, it FAILS when Redis did not confirm the delete or the publish.
   * Runs twice (now, and a moment later best effort) for a read that loaded the row before the delete.
   */
  public Future<Void> eraseProfile(String userId) {
    vertx.setTimer(SECOND_PASS_DELAY_MS, timer -> eraseProfileOnce(userId));
    return eraseProfileOnce(userId);
  }

  private Future<Void> eraseProfileOnce(String userId) {
    profiles.invalidateLocal(userId);
    return redis.del(List.of(PROFILE_PREFIX + userId))
        .timeout(TwoLayerCache.L2_TIMEOUT_MS * 10, java.util.concurrent.TimeUnit.MILLISECONDS)
        .compose(deleted -> bus.publishOrFail(profileEvent(userId)));
  }

  /**
   * After a committed write: drops the session (and its first message page) from both layers, then
   * tells the other instances. Never fails. The whole invalidation runs a second time a moment
   * later: a read that loaded the old row before the write could still put it back into Redis
   * (and from there into any instance's L1) after the first pass.
   */
  public Future<Void> invalidate(String sessionId, boolean withMessages) {
    vertx.setTimer(SECOND_PASS_DELAY_MS, timer -> invalidateOnce(sessionId, withMessages));
    return invalidateOnce(sessionId, withMessages);
  }

  /**
   * After a committed append, which answered the session as it left it: as {@link #invalidate}, except
   * that this process's L1 gets that session in place of dropping it (see
   * {@link TwoLayerCache#replaceLocal}), so the next message of the conversation finds it there; the
   * second pass drops from L1 only a value older than it. Redis and the other instances drop both
   * keys, as after any write. Never fails.
   */
  public Future<Void> afterAppend(SessionView written, long appendStartedNanos) {
    String id = written.id();
    vertx.setTimer(SECOND_PASS_DELAY_MS, timer -> {
      sessions.invalidateLocalIf(id, cached -> cached.updatedAt().isBefore(written.updatedAt()));
      messages.invalidateLocal(id);
      bus.deleteThenPublish(keys(id), event(id));
    });
    sessions.replaceLocal(id, written, appendStartedNanos, Comparator.comparing(SessionView::updatedAt));
    messages.invalidateLocal(id);
    return bus.deleteThenPublish(keys(id), event(id));
  }

  private static List<String> keys(String sessionId) {
    return List.of(KEY_PREFIX + "session:" + sessionId, KEY_PREFIX + "messages:" + sessionId);
  }

  private static JsonObject event(String sessionId) {
    return new JsonObject().put("sessionIds", new JsonArray().add(sessionId)).put("caches", new JsonArray().add(SESSIONS).add(MESSAGES));
  }

  private Future<Void> invalidateOnce(String sessionId, boolean withMessages) {
    JsonArray caches = new JsonArray().add(SESSIONS);
    List<String> keys = new ArrayList<>(2);
    sessions.invalidateLocal(sessionId);
    keys.add(KEY_PREFIX + "session:" + sessionId);
    if (withMessages) {
      messages.invalidateLocal(sessionId);
      keys.add(KEY_PREFIX + "messages:" + sessionId);
      caches.add(MESSAGES);
    }
    return bus.deleteThenPublish(keys, new JsonObject().put("sessionIds", new JsonArray().add(sessionId)).put("caches", caches));
  }

  /**
   * Erasure of sessions: drops them from this L1, deletes both of their Redis keys (and {@code extraKeys},
   * e.g. a user's rate-limit window) in one command, then tells every other instance to drop them from
   * its L1. Unlike {@link #invalidate}, it FAILS when Redis did not confirm the delete or the publish:
   * an erasure must not report success while a copy may remain.
   */
  public Future<Void> erase(List<String> sessionIds, List<String> extraKeys) {
    List<String> keys = new ArrayList<>(sessionIds.size() * 2 + extraKeys.size());
    for (String id : sessionIds) {
      sessions.invalidateLocal(id);
      messages.invalidateLocal(id);
      keys.add(KEY_PREFIX + "session:" + id);
      keys.add(KEY_PREFIX + "messages:" + id);
    }
    keys.addAll(extraKeys);
    Future<Void> deleted = keys.isEmpty() ? Future.succeededFuture()
        : redis.del(keys).timeout(TwoLayerCache.L2_TIMEOUT_MS * 10, java.util.concurrent.TimeUnit.MILLISECONDS).mapEmpty();
    return deleted.compose(done -> sessionIds.isEmpty() ? Future.succeededFuture() : bus.publishOrFail(new JsonObject()
        .put("sessionIds", new JsonArray(new ArrayList<Object>(sessionIds))).put("caches", new JsonArray().add(SESSIONS).add(MESSAGES))));
  }

  /**
   * After the rows are gone: the same once more now and a moment later, best effort, for a read that
   * loaded a row before the delete and may still put it back (as {@link #invalidate} does).
   */
  public Future<Void> eraseAgain(List<String> sessionIds) {
    return invalidateMany(sessionIds, ignored -> { });
  }

  /**
   * Invalidation of many sessions after one bulk write (e.g. a retention batch), with a bounded
   * fan-out: per pass one multi-key DEL and one publish for them all, not a command per key. Two
   * passes, as in {@link #invalidate}. Fails when Redis did not confirm the first pass;
   * {@code laterPassFailed} hears of a failure of the second.
   */
  public Future<Void> invalidateMany(List<String> sessionIds, Handler<Throwable> laterPassFailed) {
    vertx.setTimer(SECOND_PASS_DELAY_MS, timer -> erase(sessionIds, List.of()).onFailure(laterPassFailed));
    return erase(sessionIds, List.of());
  }

  /** {@code {sessions:{l1:{hits,misses,hitRatio,size},l2:{…},hitRatio}, messages:{…}, profiles:{…}}}. */
  public JsonObject stats() {
    return new JsonObject().put(SESSIONS, sessions.stats()).put(MESSAGES, messages.stats()).put(PROFILES, profiles.stats());
  }

  private void applyRemote(JsonObject event) {
    JsonArray users = event.getJsonArray("userIds", new JsonArray());
    for (int i = 0; i < users.size(); i++) {
      profiles.invalidateLocal(users.getString(i));
    }
    JsonArray ids = event.getJsonArray("sessionIds", new JsonArray());
    JsonArray caches = event.getJsonArray("caches", new JsonArray().add(SESSIONS).add(MESSAGES));
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.getString(i);
      if (caches.contains(SESSIONS)) {
        sessions.invalidateLocal(id);
      }
      if (caches.contains(MESSAGES)) {
        messages.invalidateLocal(id);
      }
    }
    announce(event);
  }

  private void clearLocal() {
    sessions.invalidateAllLocal();
    messages.invalidateAllLocal();
    profiles.invalidateAllLocal();
    announce(new JsonObject().put("all", true));
  }

  private void announce(JsonObject event) {
    vertx.eventBus().publish(Addresses.SESSION_CACHE_INVALIDATED, event, new DeliveryOptions().setLocalOnly(true));
  }
}
