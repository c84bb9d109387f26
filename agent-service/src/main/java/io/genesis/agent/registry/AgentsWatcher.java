package io.genesis.agent.registry;

import io.genesis.agent.definition.AgentDefinitionException;
import io.genesis.agent.registry.DirectorySnapshot.Stamp;
import io.genesis.common.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.FileSystem;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the definitions of an agents directory when its {@code *.json} files change, and swaps the
 * new registry in whole ({@link LiveRegistry#replace}). A set of files that does not load is reported
 * (one WARN line per distinct problem) and the last good definitions stay in use.
 *
 * <p>It polls rather than using a {@code java.nio.file.WatchService}: a watch service needs a thread
 * of its own parked in {@code take()}, sees nothing on NFS and many bind or container mounts, misses
 * the symlink swap by which Kubernetes updates a mounted ConfigMap, and on macOS polls anyway. Listing
 * a few small files once a second through the asynchronous file system costs next to nothing and
 * works on every file system.
 *
 * <p>Each tick lists the directory and reads every file's size and modification time. A change is
 * reloaded once two consecutive ticks agree on it, so a file being written or a directory being
 * copied is not loaded half-way (a slower writer may still cost one WARN, and the next tick reloads).
 * One check runs at a time, on the context that called {@link #watch}; a tick that finds the last
 * one still running is skipped.
 *
 * <p>Call {@link #load()} first (it remembers what the first registry was loaded from), then
 * {@link #watch}; {@link #stop()} cancels the timer.
 */
public final class AgentsWatcher {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(AgentsWatcher.class);
  /**
   * A file modified this recently may be rewritten without its size or time changing (times are
   * compared in milliseconds; FAT keeps 2 s, HFS+ and some NFS servers 1 s, network file systems add
   * clock skew), so its content is compared too, as git does for "racily clean" files.
   */
  private static final long RECENT_MILLIS = 5_000;

  private final Vertx vertx;
  private final FileSystem fs;
  private final String dir;
  private final long intervalMillis;
  private final AtomicReference<Promise<AgentRegistry>> nextReload = new AtomicReference<>(Promise.promise());
  private final AtomicReference<Promise<Void>> nextCheck = new AtomicReference<>(Promise.promise());
  private volatile String problem;

  // Confined to the context of load() and watch().
  private LiveRegistry registry;
  private DirectorySnapshot attempted = DirectorySnapshot.NONE;
  private DirectorySnapshot pending;
  private boolean checking;
  private long timerId = -1;

  public AgentsWatcher(Vertx vertx, String dir, Duration interval) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.fs = vertx.fileSystem();
    this.dir = Objects.requireNonNull(dir, "dir");
    this.intervalMillis = Math.max(1, interval.toMillis());
  }

  /** The first load; the scan taken just before it is what later ticks compare with. */
  public Future<AgentRegistry> load() {
    return scan().compose(seen -> AgentLoader.loadDirectory(vertx, dir).map(loaded -> {
      attempted = seen.settled();
      return loaded;
    }));
  }

  /** Starts the periodic check, swapping reloaded definitions into {@code registry}. */
  public void watch(LiveRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    timerId = vertx.setPeriodic(intervalMillis, id -> tick());
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /**
   * Completes at the end of the next reload attempt: with the registry in use after a good one, or
   * failed with the problem that kept the previous definitions in use.
   */
  public Future<AgentRegistry> reloads() {
    return nextReload.get().future();
  }

  /** Completes at the end of the next check of the directory, whether or not it found a change. */
  public Future<Void> checks() {
    return nextCheck.get().future();
  }

  /** The problem that failed the last reload attempt (naming the file and field), empty after a good one. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  private void tick() {
    if (checking) {
      return;
    }
    checking = true;
    Future<Void> checked;
    try {
      checked = check();
    } catch (RuntimeException e) {
      // never leave `checking` set: one surprise would stop the watching for good
      checked = Future.failedFuture(e);
    }
    checked.onComplete(done -> {
      if (done.failed()) {
        LOG.warn("checking {} failed: {}", dir, done.cause().toString());
      }
      checking = false;
      nextCheck.getAndSet(Promise.promise()).complete();
    });
  }

  private Future<Void> check() {
    return scan().compose(seen -> {
      if (seen.sameAs(attempted)) {
        attempted = seen.settled();
        pending = null;
        return Future.succeededFuture();
      }
      if (pending == null || !seen.sameAs(pending)) {
        pending = seen.settled();
        return Future.succeededFuture();
      }
      // Remembered before loading: a change made while the files are read shows at the next tick.
      attempted = seen.settled();
      pending = null;
      return reload(seen.problem());
    });
  }

  private Future<Void> reload(String listingProblem) {
    Future<AgentRegistry> attempt = listingProblem != null
        ? Future.failedFuture(new ConfigException("GENESIS_AGENTS_DIR", listingProblem))
        : AgentLoader.loadDirectory(vertx, dir).map(this::swap);
    return attempt.transform(result -> {
      if (result.failed()) {
        warn(result.cause());
      }
      nextReload.getAndSet(Promise.promise()).handle(result);
      return Future.succeededFuture();
    });
  }

  /** Swaps in {@code loaded} unless its definitions equal those in use (then the version, and the ETag, stay). */
  private AgentRegistry swap(AgentRegistry loaded) {
    AgentRegistry current = registry.current();
    boolean changed = !current.version().equals(loaded.version());
    if (changed) {
      registry.replace(loaded);
    }
    if (changed || problem != null) {
      LOG.info("agents reloaded: {} agents, version {}", loaded.size(), loaded.version());
    } else {
      LOG.debug("agent files changed, definitions did not (version {})", current.version());
    }
    problem = null;
    return registry.current();
  }

  private void warn(Throwable error) {
    String message = describe(error);
    if (!message.equals(problem)) {
      AgentRegistry current = registry.current();
      LOG.warn("agents not reloaded, keeping {} agents, version {}: {}", current.size(), current.version(), message);
    }
    problem = message;
  }

  /** Lists the directory and stamps each file. Never fails: a listing problem is part of the snapshot. */
  private Future<DirectorySnapshot> scan() {
    long startedAt = System.currentTimeMillis();
    return fs.readDir(dir, AgentLoader.JSON_FILES)
        .compose(paths -> Future.all(paths.stream().map(path -> stamp(path, startedAt)).toList()))
        .map(all -> DirectorySnapshot.of(all.<Stamp>list().stream().filter(Objects::nonNull).toList()))
        .otherwise(error -> DirectorySnapshot.unreadable(error.getMessage()));
  }

  /** The file's stamp, or null when it went away (or cannot be read) since the listing: the loader reports real problems. */
  private Future<Stamp> stamp(String path, long scanStartedAt) {
    return fs.props(path)
        .compose(props -> {
          boolean recent = props.lastModifiedTime() >= scanStartedAt - RECENT_MILLIS;
          Future<Buffer> content = recent || baselineKeepsContent(path, props)
              ? fs.readFile(path) : Future.succeededFuture();
          return content.map(bytes -> new Stamp(path, props.size(), props.lastModifiedTime(), bytes, recent));
        })
        .otherwise((Stamp) null);
  }

  private boolean baselineKeepsContent(String path, FileProps props) {
    return attempted.keepsContent(path, props.size(), props.lastModifiedTime())
        || pending != null && pending.keepsContent(path, props.size(), props.lastModifiedTime());
  }

  private static String describe(Throwable error) {
    return error instanceof AgentDefinitionException || error instanceof ConfigException
        ? error.getMessage()
        : error.getClass().getSimpleName() + ": " + error.getMessage();
  }
}
