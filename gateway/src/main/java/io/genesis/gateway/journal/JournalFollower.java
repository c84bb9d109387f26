package io.genesis.gateway.journal;

import io.genesis.common.crypto.DecryptionException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Replays a reply's journal to a client that came back, from the event after the last one it saw, then
 * follows it live until its {@code done} or {@code error}: whichever gateway runs the reply, this one
 * reads Redis (polling, a few times a second per resumed stream; a resume is rare beside a stream). The
 * client's write queue is the flow control: nothing more is read while it is full.
 */
public final class JournalFollower {
  /** How a follow ended. */
  public enum Outcome {
    /** The reply's last event was delivered. */
    ENDED,
    /** No journal (never kept, expired, or not the caller's): the stored reply is the answer, if any. */
    MISSING,
    /** The journal stopped growing before its end: the gateway running the reply is gone. */
    STALLED,
    /** The client went away. */
    GONE
  }

  /** Where the events go. */
  public interface Reader {
    void entry(JournalEntry entry);

    boolean full();

    void onDrain(Handler<Void> handler);

    boolean gone();
  }

  /** A new journal may take this long to show its first event (its first write in flight). */
  static final long APPEAR_MILLIS = 1_000;
  /** Longer than a live stream may stay silent on its gateway (15 s) before that gateway ends it. */
  static final long STALL_MILLIS = 20_000;
  static final long FAST_POLL_MILLIS = 20;
  static final long SLOW_POLL_MILLIS = 100;
  /** While nothing comes, whether the journal still exists is checked this often. */
  static final long EXISTS_EVERY_MILLIS = 1_000;
  /** Once a cluster member has left, a journal silent this long is checked for having been written by it. */
  static final long WRITER_CHECK_MILLIS = 500;

  private final Vertx vertx;
  private final Journals journals;
  private final String userId;
  private final String replyId;
  private final Reader reader;
  private final Promise<Outcome> outcome = Promise.promise();
  private long after;
  private long delivered;
  private long lastProgress = System.nanoTime();
  private long lastExistsCheck;
  private long lastWatch = System.nanoTime() - Journals.WATCH_EVERY_MILLIS * 1_000_000;
  private boolean checked;
  private long lastWriterCheck;

  private JournalFollower(Vertx vertx, Journals journals, String userId, String replyId, long after, Reader reader) {
    this.vertx = vertx;
    this.journals = journals;
    this.userId = userId;
    this.replyId = replyId;
    this.after = after;
    this.reader = reader;
  }

  /** Delivers the events after {@code after} (0: from the first) and follows the reply to its end. */
  public static Future<Outcome> follow(Vertx vertx, Journals journals, String userId, String replyId, long after,
                                       Reader reader) {
    if (!journals.enabled()) {
      return Future.succeededFuture(Outcome.MISSING);
    }
    JournalFollower follower = new JournalFollower(vertx, journals, userId, replyId, after, reader);
    follower.poll();
    return follower.outcome.future();
  }

  private void poll() {
    if (reader.gone()) {
      outcome.tryComplete(Outcome.GONE);
      return;
    }
    if (System.nanoTime() - lastWatch >= Journals.WATCH_EVERY_MILLIS * 1_000_000) {
      lastWatch = System.nanoTime();
      journals.watch(replyId); // the reply's own gateway keeps it generating while a resumed client reads it
    }
    journals.read(userId, replyId, after).onComplete(read -> {
      if (read.failed() && read.cause() instanceof DecryptionException) {
        outcome.tryComplete(Outcome.MISSING); // another user's reply: as if there were none
        return;
      }
      if (read.succeeded() && deliver(read.result())) {
        return;
      }
      if (read.succeeded() && read.result().size() >= Journals.READ_COUNT) {
        next(0);
      } else if (read.succeeded() && !read.result().isEmpty()) {
        next(FAST_POLL_MILLIS);
      } else {
        quiet();
      }
    });
  }

  /** Delivers what was read; true once the reply's end was delivered (or the client left). */
  private boolean deliver(List<JournalEntry> entries) {
    for (JournalEntry entry : entries) {
      if (entry.id() <= after) {
        continue;
      }
      if (reader.gone()) {
        outcome.tryComplete(Outcome.GONE);
        return true;
      }
      reader.entry(entry);
      after = entry.id();
      delivered++;
      lastProgress = System.nanoTime();
      if (entry.terminal()) {
        outcome.tryComplete(Outcome.ENDED);
        return true;
      }
    }
    return false;
  }

  /** Nothing new: wait, unless the journal is gone, its gateway left the cluster, or it has been silent too long. */
  private void quiet() {
    long silentMillis = (System.nanoTime() - lastProgress) / 1_000_000;
    if (silentMillis >= WRITER_CHECK_MILLIS && journals.anyDeparted()
        && (System.nanoTime() - lastWriterCheck) / 1_000_000 >= WRITER_CHECK_MILLIS) {
      lastWriterCheck = System.nanoTime();
      journals.writerGone(replyId).onComplete(gone -> {
        if (gone.succeeded() && gone.result()) {
          outcome.tryComplete(Outcome.STALLED);
        } else {
          quiet();
        }
      });
      return;
    }
    if (silentMillis >= STALL_MILLIS) {
      // No event for a while: stalled only if its gateway stopped renewing it too (a silent model, a collected
      // reply, renew it every few seconds).
      journals.quietMillis(replyId).onComplete(quiet -> {
        if (quiet.succeeded() && quiet.result() < STALL_MILLIS) {
          lastProgress = System.nanoTime() - quiet.result() * 1_000_000;
          next(SLOW_POLL_MILLIS);
        } else {
          outcome.tryComplete(Outcome.STALLED);
        }
      });
      return;
    }
    boolean appearing = delivered == 0 && after == 0 && silentMillis < APPEAR_MILLIS;
    boolean checkDue = !checked || (System.nanoTime() - lastExistsCheck) / 1_000_000 >= EXISTS_EVERY_MILLIS;
    if (!appearing && checkDue) {
      checked = true;
      lastExistsCheck = System.nanoTime();
      journals.exists(replyId).onComplete(exists -> {
        if (exists.succeeded() && !exists.result()) {
          outcome.tryComplete(Outcome.MISSING);
        } else {
          next(pollDelay(silentMillis));
        }
      });
      return;
    }
    next(pollDelay(silentMillis));
  }

  /** Fast while the reply flows (or the client just came back), slower once it has been quiet a second. */
  private static long pollDelay(long silentMillis) {
    return silentMillis < 1_000 ? FAST_POLL_MILLIS : SLOW_POLL_MILLIS;
  }

  private void next(long delayMillis) {
    if (reader.full()) {
      reader.onDrain(drained -> poll());
    } else if (delayMillis <= 0) {
      vertx.runOnContext(now -> poll());
    } else {
      vertx.setTimer(delayMillis, timer -> poll());
    }
  }
}
