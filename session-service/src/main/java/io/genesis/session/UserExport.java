package io.genesis.session;

import io.genesis.common.bus.Messages.ExportChunk;
import io.genesis.common.bus.Messages.ExportPage;
import io.genesis.common.bus.Messages.ExportPageRequest;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.db.Keyset;
import io.genesis.session.db.SessionRepository;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code USER_EXPORT_PAGE}: everything stored about a user, one bounded page at a time, read from the
 * database (not the caches) through the repository's usual row mapping. Sessions come by id, each
 * session's messages by (created_at, id), oldest first. A page holds at most {@link #PAGE_MESSAGES}
 * messages, {@link #PAGE_CHARS} characters of content (at least one message) and {@link #PAGE_SESSIONS}
 * sessions, so neither service ever holds a whole export.
 *
 * <p>The cursor is opaque to the gateway: base64url of {@code <sessionId>} (that session is done: go on
 * after it) or {@code <sessionId>:<created_at µs>:<messageId>} (go on inside it after that message).
 */
final class UserExport {
  static final int PAGE_MESSAGES = 500;
  static final int FETCH_MESSAGES = 100;
  static final int PAGE_CHARS = 1 << 20;
  static final int PAGE_SESSIONS = 100;

  private final SessionRepository repository;

  UserExport(SessionRepository repository) {
    this.repository = repository;
  }

  /** What a page has gathered so far and where the next one starts. */
  private static final class Page {
    final List<ExportChunk> chunks = new ArrayList<>();
    int messages;
    int chars;
    String next;

    boolean full() {
      return messages >= PAGE_MESSAGES || chars >= PAGE_CHARS;
    }

    ExportPage done() {
      return new ExportPage(List.copyOf(chunks), next);
    }
  }

  Future<ExportPage> page(ExportPageRequest request) {
    String userId = request.userId();
    if (userId == null || userId.isBlank()) {
      throw ServiceException.badRequest("userId: required");
    }
    Position from = Position.decode(request.cursor());
    Page page = new Page();
    if (from == null) {
      return sessionsAfter(userId, null, page);
    }
    if (from.after() == null) {
      return sessionsAfter(userId, from.sessionId(), page);
    }
    // Inside a session: its view again (the gateway keeps its object open), then its remaining messages.
    return repository.findSession(from.sessionId()).compose(session -> session == null || !session.userId().equals(userId)
        ? sessionsAfter(userId, from.sessionId(), page)
        : fill(session, from.after(), page).compose(more -> more
            ? Future.succeededFuture(page.done())
            : sessionsAfter(userId, from.sessionId(), page)));
  }

  private Future<ExportPage> sessionsAfter(String userId, UUID afterId, Page page) {
    return repository.exportSessions(userId, afterId, PAGE_SESSIONS + 1)
        .compose(sessions -> each(afterId, sessions, 0, page));
  }

  /** Adds the sessions from index {@code i} on (all after {@code afterId}), until the page is full. */
  private Future<ExportPage> each(UUID afterId, List<SessionView> sessions, int i, Page page) {
    if (i == sessions.size()) {
      return Future.succeededFuture(page.done());
    }
    SessionView session = sessions.get(i);
    if (i == PAGE_SESSIONS || page.full()) {
      page.next = encode(i == 0 ? afterId.toString() : sessions.get(i - 1).id(), null);
      return Future.succeededFuture(page.done());
    }
    return fill(session, null, page).compose(more -> more
        ? Future.succeededFuture(page.done())
        : each(afterId, sessions, i + 1, page));
  }

  /**
   * Adds the session with what fits of its messages after {@code after}; answers true when some are
   * left for the next page (then {@code page.next} points inside the session).
   */
  private Future<Boolean> fill(SessionView session, Keyset after, Page page) {
    // At most FETCH_MESSAGES rows read (and decrypted) at once, whatever their length: a page of long
    // replies stops early instead of holding hundreds of them.
    int room = Math.min(PAGE_MESSAGES - page.messages, FETCH_MESSAGES);
    return repository.exportMessages(UUID.fromString(session.id()), after, room + 1).map(rows -> {
      List<MessageView> taken = new ArrayList<>(Math.min(rows.size(), room));
      for (MessageView message : rows) {
        if (taken.size() == room || (page.messages > 0 || !taken.isEmpty()) && page.chars >= PAGE_CHARS) {
          break;
        }
        taken.add(message);
        page.chars += message.content().length();
      }
      page.messages += taken.size();
      page.chunks.add(new ExportChunk(session, taken));
      boolean more = taken.size() < rows.size();
      if (more) {
        // An empty chunk (the page was full) resumes the session from where it stood.
        Keyset last = taken.isEmpty() ? after : keyOf(taken.get(taken.size() - 1));
        page.next = encode(session.id(), last == null ? SESSION_START : last);
      }
      return more;
    });
  }

  private static Keyset keyOf(MessageView message) {
    return new Keyset(OffsetDateTime.ofInstant(message.createdAt(), ZoneOffset.UTC), UUID.fromString(message.id()));
  }

  // ---- the cursor ----

  /** Resumes a session before its first message: before every real (created_at, id). */
  private static final Keyset SESSION_START =
      new Keyset(OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC), new UUID(0, 0));

  /** {@code after} null: the session is done. */
  private record Position(UUID sessionId, Keyset after) {
    static Position decode(String cursor) {
      if (cursor == null || cursor.isEmpty()) {
        return null;
      }
      String[] parts = Cursors.raw(cursor).split(":", -1);
      UUID session = Ids.parseOrNull(parts[0]);
      if (session == null || (parts.length != 1 && parts.length != 3)) {
        throw Cursors.malformed();
      }
      return new Position(session, parts.length == 1 ? null : Cursors.keyset(parts[1], parts[2]));
    }
  }

  private static String encode(String sessionId, Keyset after) {
    return Cursors.opaque(after == null ? sessionId : sessionId + ":" + Cursors.position(after));
  }
}
