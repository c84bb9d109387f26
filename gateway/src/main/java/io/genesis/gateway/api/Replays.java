package io.genesis.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.GetMessages;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.IdempotencyRecord;
import io.genesis.common.bus.Messages.MessageList;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.crypto.DecryptionException;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.api.MessageRoutes.Exchange;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import io.genesis.gateway.journal.JournalEntry;
import io.genesis.gateway.journal.JournalFollower;
import io.genesis.gateway.journal.JournalFollower.Outcome;
import io.genesis.gateway.journal.Journals;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A reply for a client that was not there when it was sent: one that resumes after the last event it saw,
 * or a retry with an idempotency key already used. The reply's journal answers while it is kept (the
 * events as first sent, then the live rest); after that, the stored messages do.
 */
final class Replays {
  /** While a resumed reply's journal has not shown its first event yet, it is looked for this often, this long. */
  private static final long APPEAR_POLL_MILLIS = 50;
  private static final int APPEAR_POLLS = 20;
  private static final String DELTA_DATA_START = "{\"text\":";

  private final Vertx vertx;
  private final Journals journals;
  private final ServiceClient services;

  Replays(Vertx vertx, Journals journals, ServiceClient services) {
    this.vertx = vertx;
    this.journals = journals;
    this.services = services;
  }

  /** Where the events come from. */
  sealed interface Source permits Live, Stored, Ended {}

  /** The journal's events after {@code after}, then the live rest. */
  record Live(String replyId, long after) implements Source {}

  /**
   * The stored messages ({@code message}, the user's, is null for a resume, which sends only the reply), with
   * the handoffs and calculator calls the key's outcome kept.
   */
  record Stored(MessageView message, MessageView reply, List<Handoff> handoffs, List<ToolUse> tools) implements Source {}

  /** The client has seen the reply's last event, {@code last}, already. */
  record Ended(JournalEntry last) implements Source {}

  /**
   * A resume after event {@code after}: the journal, else the stored reply; {@code 404} when there is
   * neither (or the reply is another user's). {@code sessionId} may be null (a WebSocket resume names none).
   */
  Future<Source> resume(String userId, String sessionId, String replyId, long after) {
    return journals.read(userId, replyId, after).compose(entries -> {
      if (!entries.isEmpty()) {
        return Future.<Source>succeededFuture(new Live(replyId, after));
      }
      return journals.last(userId, replyId).compose(last -> {
        if (last != null) {
          return Future.succeededFuture(last.terminal() && last.id() <= after ? new Ended(last) : new Live(replyId, after));
        }
        return storedReply(userId, sessionId, replyId).compose(reply -> reply != null
            ? Future.succeededFuture(new Stored(null, reply, List.of(), List.of()))
            : appearing(userId, sessionId, replyId, after, 0));
      });
    }).recover(failure -> Future.failedFuture(failure instanceof DecryptionException ? noSuchReply(replyId) : failure));
  }

  /**
   * A retry whose key was used for the same request: its journal (the first request's events, live while
   * it runs), else its stored messages, else its failure; {@code 409} while it runs and cannot be joined.
   */
  Future<Source> duplicate(String userId, IdempotencyRecord first) {
    return journals.last(userId, first.replyId()).recover(failure -> Future.succeededFuture(null))
        .compose(last -> last == null ? fromStore(userId, first, Outcomes.handoffs(first.outcome()))
            .map(exchange -> new Stored(exchange.message(), exchange.reply(), exchange.handoffs(), Outcomes.tools(first.outcome())))
            : JournalEntry.ERROR.equals(last.event()) ? failedFirst(userId, first, last)
            : Future.succeededFuture(new Live(first.replyId(), 0)));
  }

  /**
   * The first request ended in an error: replaying it would hand the retry the first failure's retryAfterSeconds,
   * an invitation to send the same key again. Unless it stored a reply (then its events are replayed), the retry
   * gets the {@code 409} naming the failure, as a JSON retry and a retry after the journal's end do.
   */
  private Future<Source> failedFirst(String userId, IdempotencyRecord first, JournalEntry error) {
    return storedReply(userId, first.sessionId(), first.replyId()).compose(reply -> reply != null
        ? Future.succeededFuture(new Live(first.replyId(), 0))
        : Future.failedFuture(IdempotencyKeys.firstFailed(IdempotencyKeys.failure(Json.fromString(error.data(), JsonNode.class)))));
  }

  /** A JSON retry: the first request's exchange, waiting for it while it runs (joining its journal). */
  Future<Exchange> exchange(String userId, IdempotencyRecord first) {
    if (!first.running()) {
      return fromStore(userId, first, Outcomes.handoffs(first.outcome()));
    }
    List<Handoff> handoffs = new ArrayList<>();
    JournalEntry[] end = new JournalEntry[1];
    return JournalFollower.follow(vertx, journals, userId, first.replyId(), 0, new JournalFollower.Reader() {
      @Override
      public void entry(JournalEntry entry) {
        if (ReplyEvents.HANDOFF.equals(entry.event())) {
          handoffs.add(Json.fromString(entry.data(), Handoff.class));
        } else if (entry.terminal()) {
          end[0] = entry;
        }
      }

      @Override
      public boolean full() {
        return false;
      }

      @Override
      public void onDrain(Handler<Void> handler) {
        handler.handle(null);
      }

      @Override
      public boolean gone() {
        return false;
      }
    }).recover(failure -> Future.succeededFuture(Outcome.MISSING)).compose(outcome -> {
      Future<Exchange> stored = fromStore(userId, first, handoffs);
      if (end[0] == null || !JournalEntry.ERROR.equals(end[0].event())) {
        return stored;
      }
      // It failed while this retry waited: a partial reply it stored is the answer, else the 409 naming the failure.
      ServiceException failed = IdempotencyKeys.failure(Json.fromString(end[0].data(), JsonNode.class));
      return stored.recover(none -> Future.failedFuture(none instanceof ServiceException se && se.status() == 409
          ? IdempotencyKeys.firstFailed(failed) : none));
    });
  }

  /**
   * Sends {@code source} to {@code client}. {@code whole}: a stored reply goes as the first request's events
   * ({@code meta}, handoffs, calculator calls, one {@code delta}, {@code done}, numbered from 1); else as one
   * {@code done}.
   */
  Future<Void> stream(String userId, Source source, ReplyEvents.Client client, BooleanSupplier gone, boolean whole,
                      String requestId, String path) {
    if (source instanceof Ended ended) {
      client.event(ended.last().id(), ended.last().event(), ended.last().data());
      return Future.succeededFuture();
    }
    if (source instanceof Stored stored) {
      sendStored(stored, client, whole);
      return Future.succeededFuture();
    }
    Live live = (Live) source;
    return JournalFollower.follow(vertx, journals, userId, live.replyId(), live.after(), new JournalFollower.Reader() {
      @Override
      public void entry(JournalEntry entry) {
        if (ReplyEvents.DELTA.equals(entry.event()) && entry.data().startsWith(DELTA_DATA_START)) {
          client.delta(entry.id(), entry.data().substring(DELTA_DATA_START.length(), entry.data().length() - 1));
        } else {
          client.event(entry.id(), entry.event(), entry.data());
        }
      }

      @Override
      public boolean full() {
        return client.full();
      }

      @Override
      public void onDrain(Handler<Void> handler) {
        client.onDrain(handler);
      }

      @Override
      public boolean gone() {
        return gone.getAsBoolean();
      }
    }).compose(outcome -> switch (outcome) {
      case ENDED, GONE -> Future.<Void>succeededFuture();
      case MISSING -> storedReply(userId, null, live.replyId()).map(reply -> {
        if (reply != null) {
          client.event(0, JournalEntry.DONE, Json.toString(reply));
        } else {
          client.event(0, JournalEntry.ERROR, ReplyEvents.problemData(new ServiceException(503,
              "the reply's events are no longer kept and it is not stored; send the message again", 1), requestId, path));
        }
        return null;
      });
      case STALLED -> {
        client.event(0, JournalEntry.ERROR, ReplyEvents.problemData(new ServiceException(503,
            "the reply stopped before its end (the server writing it went away); send the message again", 1), requestId, path));
        yield Future.succeededFuture();
      }
    });
  }

  private static void sendStored(Stored stored, ReplyEvents.Client client, boolean whole) {
    if (!whole) {
      client.event(0, JournalEntry.DONE, Json.toString(stored.reply()));
      return;
    }
    long id = 0;
    String firstAgent = stored.handoffs().isEmpty() ? stored.reply().agentId() : stored.handoffs().get(0).from();
    client.event(++id, ReplyEvents.META, Json.toString(Exchanges.meta(firstAgent,
        stored.message() == null ? null : stored.message().id(), stored.reply().id())));
    for (Handoff handoff : stored.handoffs()) {
      client.event(++id, ReplyEvents.HANDOFF, Json.toString(handoff));
    }
    for (ToolUse tool : stored.tools()) {
      client.event(++id, ReplyEvents.TOOL, ReplyEvents.toolData(tool));
    }
    if (!stored.reply().content().isEmpty()) {
      client.delta(++id, Json.toString(stored.reply().content()));
    }
    client.event(++id, JournalEntry.DONE, Json.toString(stored.reply()));
  }

  /** The first request's stored exchange; its failure when it stored no reply; {@code 409} while it runs. */
  private Future<Exchange> fromStore(String userId, IdempotencyRecord first, List<Handoff> handoffs) {
    List<String> ids = first.messageId() == null ? List.of(first.replyId()) : Arrays.asList(first.messageId(), first.replyId());
    return services.<MessageList>request(Addresses.MESSAGE_GET, new GetMessages(userId, first.sessionId(), ids))
        .compose(found -> {
          MessageView message = byId(found, first.messageId());
          MessageView reply = byId(found, first.replyId());
          if (reply != null) {
            return Future.succeededFuture(new Exchange(message, reply, handoffs));
          }
          ServiceException failed = Outcomes.problem(first.outcome());
          if (failed != null) {
            return Future.failedFuture(IdempotencyKeys.firstFailed(failed));
          }
          return Future.failedFuture(first.createdAt().isBefore(Instant.now().minus(IdempotencyKeys.ABANDONED_AFTER))
              ? IdempotencyKeys.abandoned() : IdempotencyKeys.stillRunning());
        });
  }

  private Future<MessageView> storedReply(String userId, String sessionId, String replyId) {
    return services.<MessageList>request(Addresses.MESSAGE_GET, new GetMessages(userId, sessionId, List.of(replyId)))
        .map(found -> byId(found, replyId))
        .recover(failure -> failure instanceof ServiceException se && se.status() == 404
            ? Future.succeededFuture(null) : Future.failedFuture(failure));
  }

  /**
   * A new reply's journal may not show its first event yet: look again for a short while. Its client may have
   * seen events already ({@code after} > 0): they go out to it as they are queued for Redis, so a client that
   * drops and resumes at once, on another gateway, can come before the first write has landed.
   */
  private Future<Source> appearing(String userId, String sessionId, String replyId, long after, int polls) {
    if (polls >= APPEAR_POLLS) {
      // a reply whose journal was never kept (its writes failed) may have been stored meanwhile
      return storedReply(userId, sessionId, replyId).compose(reply -> reply != null
          ? Future.succeededFuture(new Stored(null, reply, List.of(), List.of())) : Future.failedFuture(noSuchReply(replyId)));
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(APPEAR_POLL_MILLIS, timer -> later.complete());
    return later.future().compose(waited -> journals.read(userId, replyId, 0))
        .compose(entries -> entries.isEmpty() ? appearing(userId, sessionId, replyId, after, polls + 1)
            : Future.succeededFuture(new Live(replyId, after)));
  }

  private static MessageView byId(MessageList found, String id) {
    if (id == null || found == null || found.items() == null) {
      return null;
    }
    return found.items().stream().filter(message -> id.equals(message.id())).findFirst().orElse(null);
  }

  private static ServiceException noSuchReply(String replyId) {
    return new ServiceException(404, "no reply " + replyId + " to resume here");
  }

}
