package io.genesis.session.cache;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Hit and miss counts of one cache, per layer. Plain {@link LongAdder}s, readable through the
 * getters, so a metrics registry can bind them later (e.g. Micrometer {@code FunctionCounter}).
 * An L1 miss is followed by an L2 lookup, so L2 counts only what L1 missed.
 */
public final class CacheCounters {
  private final String cache;
  private final LongAdder l1Hits = new LongAdder();
  private final LongAdder l1Misses = new LongAdder();
  private final LongAdder l2Hits = new LongAdder();
  private final LongAdder l2Misses = new LongAdder();

  public CacheCounters(String cache) {
    this.cache = cache;
  }

  public String cache() {
    return cache;
  }

  void l1Hit() {
    l1Hits.increment();
  }

  void l1Miss() {
    l1Misses.increment();
  }

  void l2Hit() {
    l2Hits.increment();
  }

  void l2Miss() {
    l2Misses.increment();
  }

  public long l1Hits() {
    return l1Hits.sum();
  }

  public long l1Misses() {
    return l1Misses.sum();
  }

  public long l2Hits() {
    return l2Hits.sum();
  }

  public long l2Misses() {
    return l2Misses.sum();
  }

  /**
   * {@code {l1:{hits,misses,hitRatio,size}, l2:{…}, hitRatio}}: the top-level ratio is that of the
   * cache as a whole (a lookup served by either layer). L2 size is -1: Redis is shared, not counted.
   */
  public JsonObject toJson(LongSupplier l1Size) {
    long h1 = l1Hits();
    long m1 = l1Misses();
    long h2 = l2Hits();
    long m2 = l2Misses();
    return new JsonObject()
        .put("l1", layer(h1, m1, l1Size.getAsLong()))
        .put("l2", layer(h2, m2, -1))
        .put("hitRatio", ratio(h1 + h2, m2));
  }

  private static JsonObject layer(long hits, long misses, long size) {
    return new JsonObject().put("hits", hits).put("misses", misses).put("hitRatio", ratio(hits, misses)).put("size", size);
  }

  private static double ratio(long hits, long misses) {
    long total = hits + misses;
    return total == 0 ? 0.0 : (double) hits / total;
  }
}
