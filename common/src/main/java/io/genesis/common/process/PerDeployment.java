package io.genesis.common.process;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.function.Supplier;

/**
 * State that the instances of one verticle deployment share (a service deployed one instance per core):
 * the first instance to join builds it, every instance leaves once, and the last to leave is told so and
 * frees it. Kept in a Vert.x local map under the deployment's id, so two deployments never share.
 */
public final class PerDeployment {
  private PerDeployment() {}

  /** The shared state, and whether the caller is the instance that built it (and must finish building it). */
  public record Joined<T>(T shared, boolean first) {}

  private static final class Entry implements Shareable {
    private final Object shared;
    private int users;

    Entry(Object shared) {
      this.shared = shared;
    }
  }

  /** Joins the state of {@code context}'s deployment in the map named {@code map}, building it with {@code build} when absent. */
  public static synchronized <T> Joined<T> join(Vertx vertx, String map, Context context, Supplier<T> build) {
    LocalMap<String, Entry> entries = vertx.sharedData().getLocalMap(map);
    Entry entry = entries.get(context.deploymentID());
    boolean first = entry == null;
    if (first) {
      entry = new Entry(build.get());
      entries.put(context.deploymentID(), entry);
    }
    entry.users++;
    @SuppressWarnings("unchecked")
    T shared = (T) entry.shared;
    return new Joined<>(shared, first);
  }

  /** One instance of the deployment leaves; true for the last, which must free the state. */
  public static synchronized boolean leave(Vertx vertx, String map, Context context) {
    LocalMap<String, Entry> entries = vertx.sharedData().getLocalMap(map);
    Entry entry = entries.get(context.deploymentID());
    if (entry == null || --entry.users > 0) {
      return false;
    }
    entries.remove(context.deploymentID());
    return true;
  }
}
