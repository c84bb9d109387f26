package io.genesis.gateway.journal;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.ClusterMember;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.crypto.FieldCipher;
import io.genesis.common.redis.RedisKeys;
import io.genesis.gateway.redis.GatewayRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply journals of one gateway verticle: its own Redis client (so journal writes never queue behind
 * or in front of rate-limit decisions), the cipher that seals entries, and how long they are kept. Without
 * Redis or an encryption key, nothing is kept and resuming finds only stored replies.
 */
public final class Journals {
  private static final Logger LOG = LoggerFactory.getLogger(Journals.class);
  /** How long the journal of a reply still running is kept at least (refreshed at every write). */
  static final int RUNNING_TTL_SECONDS = 900;
  /** A follower renews its watch this often, and the watch lasts this long. */
  static final long WATCH_EVERY_MILLIS = 1_000;
  static final long WATCH_MILLIS = 5_000;
  /** Entries read per round trip while catching up. */
  static final int READ_COUNT = 256;
  /** How long a departed cluster member is remembered: far longer than any reply. */
  private static final long DEPARTED_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(30);

  private final Redis redis;
  /** A frozen Redis answers nothing: each read gives up after this ({@code GENESIS_REDIS_TIMEOUT_MS}). */
  private final long timeoutMillis;
  private final FieldCipher cipher;
  private final int endedTtlSeconds;
  private final int runningTtlSeconds;
  /** This process's cluster member id (null: not clustered). */
  private final String member;
  /** Cluster members seen leaving, with when: a journal one of them was writing will not grow again. */
  private final Map<String, Long> departed = new ConcurrentHashMap<>();

  private Journals(Vertx vertx, Redis redis, FieldCipher cipher, int endedTtlSeconds, long timeoutMillis) {
    this.redis = redis;
    this.timeoutMillis = timeoutMillis;
    this.cipher = cipher;
    this.endedTtlSeconds = endedTtlSeconds;
    this.runningTtlSeconds = Math.max(RUNNING_TTL_SECONDS, endedTtlSeconds);
    this.member = ClusterMember.of(vertx);
    if (redis != null && vertx.isClustered()) {
      vertx.eventBus().<String>localConsumer(Addresses.CLUSTER_MEMBER_LEFT, left -> {
        String gone = left.headers().get(ClusterMember.LEFT_HEADER);
        if (gone != null) {
          long now = System.nanoTime();
          departed.values().removeIf(when -> now - when > DEPARTED_MEMORY_NANOS);
          departed.put(gone, now);
        }
      });
    }
  }

  /** Builds the client and the cipher on a worker (both seed random sources, which may block). */
  public static Future<Journals> create(Vertx vertx, GenesisConfig config) {
    int ttl = config.http().replyEventsTtlSeconds();
    long timeout = config.overload().redisTimeoutMillis();
    if (config.redisUrl() == null || config.encryptionKey() == null) {
      LOG.info("reply events are not kept (no Redis or no encryption key): a dropped stream resumes only once stored");
      return Future.succeededFuture(new Journals(vertx, null, null, ttl, timeout));
    }
    record Prepared(RedisOptions options, FieldCipher cipher) {}
    return vertx.executeBlocking(() -> new Prepared(GatewayRedis.options(config.redisUrl()).setPoolName("genesis-gateway-journal"),
            FieldCipher.create(config.encryptionKey(), config.privacy().encryptionOldKeys())), false)
        .map(prepared -> new Journals(vertx, Redis.createClient(vertx, prepared.options()), prepared.cipher(), ttl, timeout));
  }

  public boolean enabled() {
    return redis != null;
  }

  /** The journal a new reply of {@code userId} writes its events to. */
  public Journal open(String userId, String replyId) {
    return redis == null ? Journal.NONE
        : new Journal(redis, cipher, replyId, userId, member, runningTtlSeconds, endedTtlSeconds, timeoutMillis);
  }

  /**
   * The events of up to {@link #READ_COUNT} entries from the one holding event {@code after + 1}, oldest first
   * (events up to {@code after} included: the caller skips them); empty when there
   * are none yet or the journal is gone. Fails with a {@link DecryptionException} when it is not
   * {@code userId}'s (it does not decrypt for them).
   */
  public Future<List<JournalEntry>> read(String userId, String replyId, long after) {
    if (redis == null) {
      return Future.succeededFuture(List.of());
    }
    String key = RedisKeys.replyEvents(replyId);
    return redis.send(Request.cmd(Command.XRANGE).arg(key).arg("0-" + (after + 1)).arg("+").arg("COUNT").arg(READ_COUNT))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> entries(key, userId, response));
  }

  /** The reply's last event so far (null when there is no journal); fails as {@link #read} for another user's. */
  public Future<JournalEntry> last(String userId, String replyId) {
    if (redis == null) {
      return Future.succeededFuture(null);
    }
    String key = RedisKeys.replyEvents(replyId);
    return redis.send(Request.cmd(Command.XREVRANGE).arg(key).arg("+").arg("-").arg("COUNT").arg(1))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> {
          List<JournalEntry> entries = entries(key, userId, response);
          return entries.isEmpty() ? null : entries.get(entries.size() - 1);
        });
  }

  /** Marks the reply as followed by a resumed client for the next few seconds (its detached bound waits). */
  public void watch(String replyId) {
    if (redis != null) {
      redis.send(Request.cmd(Command.SET).arg(RedisKeys.replyWatched(replyId)).arg("1").arg("PX").arg(WATCH_MILLIS));
    }
  }

  /**
   * How long ago the journal was last written or renewed, in ms, as far as its lifetime tells (a large value
   * when it is gone or ended: it is no longer renewed then).
   */
  public Future<Long> quietMillis(String replyId) {
    if (redis == null) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    return redis.send(Request.cmd(Command.PTTL).arg(RedisKeys.replyEvents(replyId)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> {
          long left = response == null ? -2 : response.toLong();
          return left < 0 ? Long.MAX_VALUE : Math.max(0, runningTtlSeconds * 1000L - left);
        });
  }

  /** Whether a cluster member has been seen leaving lately (only then can {@link #writerGone} be true). */
  boolean anyDeparted() {
    return !departed.isEmpty();
  }

  /**
   * Whether the gateway writing the reply's journal has left the cluster (its first entry names it): then the
   * journal will not grow again, and a follower need not wait for it to fall silent for good.
   */
  Future<Boolean> writerGone(String replyId) {
    if (redis == null || departed.isEmpty()) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.XRANGE).arg(RedisKeys.replyEvents(replyId)).arg("-").arg("+").arg("COUNT").arg(1))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> {
          if (response == null || response.size() == 0) {
            return false;
          }
          Response fields = response.get(0).get(1);
          for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (JournalFormat.WRITER.equals(fields.get(i).toString())) {
              return departed.containsKey(fields.get(i + 1).toString());
            }
          }
          return false;
        });
  }

  /** Whether a journal exists for the reply (whoever it belongs to). */
  public Future<Boolean> exists(String replyId) {
    if (redis == null) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.replyEvents(replyId)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> response != null && response.toInteger() > 0);
  }

  public Future<Void> close() {
    return redis == null ? Future.succeededFuture() : redis.close();
  }

  private List<JournalEntry> entries(String key, String userId, Response response) {
    if (response == null || response.size() == 0) {
      return List.of();
    }
    List<JournalEntry> entries = new ArrayList<>(response.size());
    for (Response item : response) {
      String entryId = item.get(0).toString();
      long id = Long.parseLong(entryId.substring(entryId.indexOf('-') + 1));
      Response fields = item.get(1);
      String sealed = null;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if (JournalFormat.FIELD.equals(fields.get(i).toString())) {
          sealed = fields.get(i + 1).toString();
        }
      }
      if (sealed == null) {
        throw new DecryptionException("a journal entry without its field");
      }
      JournalFormat.read(cipher.decrypt(JournalFormat.associatedData(key, userId, id), sealed), entries);
    }
    return entries;
  }
}
