package io.genesis.gateway.journal;

import io.genesis.common.crypto.FieldCipher;
import io.genesis.common.log.ThrottledLog;
import io.genesis.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one streamed reply, written to a Redis Stream as the client is sent them, so that any
 * gateway can replay them to a client that reconnects ({@link JournalFollower}). Event N is entry
 * {@code 0-N} holds the events up to N since the entry before it. Writes go one at a time, in order: the
 * events gathered while a write was in flight go as the next entry, sealed once (so a fast reply costs a few
 * round trips and encryptions, not one per token). A
 * failed write stops the journal: a later event must never be stored after a gap. Used from one event
 * loop.
 */
public final class Journal {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final ThrottledLog FAILED = ThrottledLog.warn(LOG);
  /** A journal that keeps nothing (no Redis): events are numbered all the same. */
  public static final Journal NONE = new Journal(null, null, null, null, null, 0, 0, 0);

  private final Redis redis;
  private final long timeoutMillis;
  private final FieldCipher cipher;
  private final String key;
  private final String replyId;
  private final String owner;
  /** This gateway's cluster member id, written with the first entry (null: not clustered, or written). */
  private String writer;
  private final String runningTtl;
  private final String endedTtl;
  /** The events numbered since the last write, as the next entry's text. */
  private final StringBuilder pending = new StringBuilder();
  private long lastId;
  private boolean writing;
  private boolean ended;
  private boolean broken;

  Journal(Redis redis, FieldCipher cipher, String replyId, String userId, String writer, int runningTtlSeconds,
          int endedTtlSeconds, long timeoutMillis) {
    this.redis = redis;
    this.timeoutMillis = timeoutMillis;
    this.cipher = cipher;
    this.replyId = replyId;
    this.key = replyId == null ? null : RedisKeys.replyEvents(replyId);
    this.owner = userId;
    this.writer = writer;
    this.runningTtl = Integer.toString(runningTtlSeconds);
    this.endedTtl = Integer.toString(endedTtlSeconds);
  }

  /** Numbers the next event and queues it for Redis; answers its id. */
  public long append(String event, String data) {
    long id = ++lastId;
    if (redis == null || broken || ended) {
      return id;
    }
    JournalFormat.append(pending, id, event, data);
    if (JournalEntry.DONE.equals(event) || JournalEntry.ERROR.equals(event)) {
      ended = true;
    }
    flush();
    return id;
  }

  /**
   * The reply is alive but silent (the model thinks, or a collected reply runs): the journal's lifetime is
   * renewed, which tells a follower that the gateway writing it is still there.
   */
  public void touch() {
    if (redis != null && !broken && !ended && !writing && lastId > 0) {
      redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(runningTtl));
    }
  }

  /** Whether a resumed client is following the reply now (through any gateway). */
  public Future<Boolean> watched() {
    if (redis == null || replyId == null) {
      return Future.succeededFuture(false);
    }
    return redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.replyWatched(replyId)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(response -> response != null && response.toInteger() > 0)
        .otherwise(false);
  }

  /** The id of the last event numbered (0: none yet). */
  public long lastId() {
    return lastId;
  }

  public boolean keeping() {
    return redis != null && !broken;
  }

  /** One entry for every event gathered since the last write (one sealing, one XADD), while no write is in flight. */
  private void flush() {
    if (writing || pending.isEmpty() || broken) {
      return;
    }
    String sealed = cipher.encrypt(JournalFormat.associatedData(key, owner, lastId), pending.toString());
    pending.setLength(0);
    Request add = Request.cmd(Command.XADD).arg(key).arg("0-" + lastId).arg(JournalFormat.FIELD).arg(sealed);
    if (writer != null) {
      add.arg(JournalFormat.WRITER).arg(writer);
      writer = null;
    }
    List<Request> batch = List.of(add, Request.cmd(Command.EXPIRE).arg(key).arg(ended ? endedTtl : runningTtl));
    writing = true;
    redis.batch(batch).onComplete(done -> {
      writing = false;
      if (done.failed()) {
        broken = true;
        pending.setLength(0);
        FAILED.log("reply events of {} are not kept (resuming it will wait for the stored reply): {}", key,
            done.cause().getMessage());
        redis.send(Request.cmd(Command.DEL).arg(key));
      } else {
        flush();
      }
    });
  }
}
