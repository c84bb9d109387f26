package io.genesis.session.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.genesis.common.json.Json;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.crypto.FieldCipher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through cache of JSON-able values by id: L1 Caffeine in this process, L2 Redis shared by
 * every instance. Redis trouble never fails a read: an L2 error or a slow answer is a miss (logged
 * at debug), and L2 is skipped for a moment after an error so an outage costs no latency.
 *
 * <p>A value loaded while the same id is being invalidated is not stored (the load may have read
 * the row before the write): invalidations are remembered for a while with their time. L1 is shared
 * by the instances of a process, which run on different threads: every change of an id's L1 entry
 * and every record of its invalidation happen inside one {@code compute} on that id (under the map's
 * lock for the id), so a load on one thread cannot store a value that an invalidation on another
 * thread has just dropped.
 *
 * <p>L2 values are JSON encrypted with {@link FieldCipher}, bound to their Redis key: no plaintext
 * content sits in Redis. One that cannot be decrypted (a key retired since) is a miss.
 */
public final class TwoLayerCache<V> {
  private static final Logger LOG = LoggerFactory.getLogger(TwoLayerCache.class);
  static final long L2_TIMEOUT_MS = 300;
  static final long L2_PAUSE_AFTER_ERROR_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String keyPrefix;
  private final Class<V> type;
  private final Cache<String, V> l1;
  private final RedisAPI redis;
  private final FieldCipher cipher;
  private final String l2TtlSeconds;
  private final CacheCounters counters;
  private final Cache<String, Long> recentInvalidations;
  /** Times are {@link System#nanoTime()} values, compared by difference; both start in the past. */
  private volatile long allInvalidatedAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
  private volatile long l2PausedUntil = allInvalidatedAt;

  /** {@code keyPrefix} e.g. {@code genesis:v1:session:}; the Redis key is the prefix and the id. */
  public TwoLayerCache(String name, String keyPrefix, Class<V> type, Cache<String, V> l1, RedisAPI redis, Duration l2Ttl,
                       FieldCipher cipher) {
    this.keyPrefix = keyPrefix;
    this.type = type;
    this.l1 = l1;
    this.redis = redis;
    this.cipher = cipher;
    this.l2TtlSeconds = Long.toString(l2Ttl.toSeconds());
    this.counters = new CacheCounters(name);
    // Maintenance on the writing thread: with the default executor a burst of writes (a retention batch)
    // fills Caffeine's write buffer and the event loop parks on the lock a pool thread holds.
    this.recentInvalidations = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(Duration.ofSeconds(30)).maximumSize(100_000).build();
  }

  /** L1, else L2, else {@code loader} (which may answer null: nothing is cached then). */
  public Future<V> get(String id, Supplier<Future<V>> loader) {
    V cached = l1.getIfPresent(id);
    if (cached != null) {
      counters.l1Hit();
      return Future.succeededFuture(cached);
    }
    counters.l1Miss();
    long started = System.nanoTime();
    return l2Get(id).compose(shared -> {
      if (shared != null) {
        counters.l2Hit();
        storeIfFresh(id, shared, started);
        return Future.succeededFuture(shared);
      }
      counters.l2Miss();
      return loader.get().onSuccess(loaded -> {
        if (loaded != null && storeIfFresh(id, loaded, started)) {
          l2Set(id, loaded);
        }
      });
    });
  }

  /** Write-through of a value just written to the database (e.g. a new session). */
  public void put(String id, V value) {
    l1.put(id, value);
    l2Set(id, value);
  }

  /**
   * After a write of this process that answered the row as it left it: puts {@code written} in L1 in
   * place of what is there, unless it is older than that ({@code newer} orders two values of an id),
   * or any invalidation of the id (local or from another instance) came since the write started,
   * when the entry is dropped instead: another write may have come in between. Either way, loads
   * in flight no longer store what they read (as after {@link #invalidateLocal}).
   */
  public void replaceLocal(String id, V written, long writeStartedNanos, Comparator<V> newer) {
    l1.asMap().compute(id, (key, cached) -> {
      V kept = !fresh(id, writeStartedNanos) ? null : cached == null || newer.compare(written, cached) >= 0 ? written : cached;
      recentInvalidations.put(id, System.nanoTime());
      return kept;
    });
  }

  /** Drops the id from this process's L1 only when its value there is {@code stale}. */
  public void invalidateLocalIf(String id, Predicate<V> stale) {
    l1.asMap().compute(id, (key, cached) -> {
      recentInvalidations.put(id, System.nanoTime());
      return cached == null || stale.test(cached) ? null : cached;
    });
  }

  /** Drops the id from this process only (another instance already cleared L2). */
  public void invalidateLocal(String id) {
    l1.asMap().compute(id, (key, cached) -> {
      recentInvalidations.put(id, System.nanoTime());
      return null;
    });
  }

  /** Drops all of L1 (after missing invalidations, e.g. while the subscriber was disconnected). */
  public void invalidateAllLocal() {
    allInvalidatedAt = System.nanoTime();
    l1.invalidateAll();
  }

  /**
   * {@code genesis_cache_requests_total{cache,layer=l1|l2,result=hit|miss}} and the L1 size
   * {@code genesis_cache_size{cache,layer=l1}}, read from the counters at each scrape.
   */
  public void bindMetrics(MeterRegistry registry) {
    String cache = counters.cache();
    requests(registry, cache, "l1", "hit", CacheCounters::l1Hits);
    requests(registry, cache, "l1", "miss", CacheCounters::l1Misses);
    requests(registry, cache, "l2", "hit", CacheCounters::l2Hits);
    requests(registry, cache, "l2", "miss", CacheCounters::l2Misses);
    Gauge.builder("genesis.cache.size", l1, Cache::estimatedSize).tags("cache", cache, "layer", "l1")
        .description("Entries in the in-process (Caffeine) layer").register(registry);
  }

  private void requests(MeterRegistry registry, String cache, String layer, String result,
                        java.util.function.ToLongFunction<CacheCounters> count) {
    FunctionCounter.builder("genesis.cache.requests", counters, c -> count.applyAsLong(c))
        .tags("cache", cache, "layer", layer, "result", result)
        .description("Cache lookups by layer and result; L2 sees only what L1 missed")
        .register(registry);
  }

  public CacheCounters counters() {
    return counters;
  }

  public JsonObject stats() {
    return counters.toJson(l1::estimatedSize);
  }

  /**
   * Puts a loaded value in L1 unless the id was invalidated since the load started; true when stored.
   * A clear of all of L1 may miss an entry being stored at that moment: such a store looks again and
   * takes its value back out.
   */
  private boolean storeIfFresh(String id, V value, long started) {
    boolean[] stored = {false};
    l1.asMap().compute(id, (key, cached) -> {
      stored[0] = fresh(id, started);
      return stored[0] ? value : cached;
    });
    if (stored[0] && allInvalidatedAt - started >= 0) {
      l1.asMap().remove(id, value);
      return false;
    }
    return stored[0];
  }

  private boolean fresh(String id, long started) {
    Long invalidated = recentInvalidations.getIfPresent(id);
    return (invalidated == null || invalidated - started < 0) && allInvalidatedAt - started < 0;
  }

  private Future<V> l2Get(String id) {
    if (l2Paused()) {
      return Future.succeededFuture();
    }
    return redis.get(keyPrefix + id)
        .timeout(L2_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(response -> response == null ? null : open(id, response.toString()))
        .otherwise(e -> {
          l2Failed("read", id, e);
          return null;
        });
  }

  private void l2Set(String id, V value) {
    if (l2Paused()) {
      return;
    }
    String key = keyPrefix + id;
    redis.set(List.of(key, cipher.encrypt(key, Json.toString(value)), "EX", l2TtlSeconds))
        .timeout(L2_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> l2Failed("write", id, e));
  }

  /** The value of an L2 entry, or null (a miss) when it cannot be decrypted. */
  private V open(String id, String stored) {
    String key = keyPrefix + id;
    try {
      return Json.fromString(cipher.decrypt(key, stored), type);
    } catch (DecryptionException e) {
      LOG.warn("L2 entry {} cannot be decrypted, treated as a miss: {}", key, e.reason());
      return null;
    }
  }

  private boolean l2Paused() {
    return System.nanoTime() - l2PausedUntil < 0;
  }

  private void l2Failed(String what, String id, Throwable e) {
    l2PausedUntil = System.nanoTime() + L2_PAUSE_AFTER_ERROR_NANOS;
    LOG.debug("L2 {} of {}{} failed, treated as a miss: {}", what, keyPrefix, id, e.toString());
  }
}
