package io.genesis.session;

import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.GetMessages;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.ListSessions;
import io.genesis.common.bus.Messages.MessageList;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionPage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.cache.FirstPage;
import io.genesis.session.cache.SessionCaches;
import io.genesis.session.db.Deadline;
import io.genesis.session.db.Keyset;
import io.genesis.session.db.SessionRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What each session-service address does: validation, ownership (another user's session is "not
 * found"), the caches, and the repository. Methods may throw {@link ServiceException} for bad input.
 */
final class SessionService {
  static final int MAX_LIMIT = 100;
  /** The page size when the request carries none (limit 0). */
  static final int DEFAULT_LIMIT = 20;

  private final SessionRepository repository;
  private final SessionCaches caches;

  SessionService(SessionRepository repository, SessionCaches caches) {
    this.repository = repository;
    this.caches = caches;
  }

  /** A new active session; a blank agent id or title is stored as null (clients show their own default). */
  Future<SessionView> create(CreateSession request, Deadline deadline) {
    String userId = user(request.userId());
    return repository.insertSession(deadline, Ids.newId(), userId, blankToNull(request.agentId()), blankToNull(request.title()))
        .onSuccess(session -> caches.sessions().put(session.id(), session));
  }

  Future<SessionView> get(SessionRef request) {
    return owned(user(request.userId()), sessionId(request.sessionId()));
  }

  /** Newest first by (updated_at, id); {@code nextCursor} is set when more sessions exist. */
  Future<SessionPage> list(ListSessions request) {
    String userId = user(request.userId());
    int limit = clamp(request.limit());
    Keyset after = Cursors.decode(request.cursor());
    return repository.listSessions(userId, request.active(), after, limit + 1).map(rows -> {
      if (rows.size() <= limit) {
        return new SessionPage(rows, null);
      }
      List<SessionView> page = rows.subList(0, limit);
      return new SessionPage(List.copyOf(page), Cursors.encode(page.get(limit - 1)));
    });
  }

  /** Idempotent: closing a closed session answers it unchanged. Messages are kept. */
  Future<SessionView> close(SessionRef request, Deadline deadline) {
    UUID id = sessionId(request.sessionId());
    return afterWrite(repository.closeSession(deadline, id, user(request.userId())), false);
  }

  Future<SessionView> setAgent(SetSessionAgent request, Deadline deadline) {
    UUID id = sessionId(request.sessionId());
    return afterWrite(repository.setAgent(deadline, id, user(request.userId()), blankToNull(request.agentId())), false);
  }

  /** Stored and committed before the answer; 409 on a closed session. */
  Future<MessageView> append(AppendMessage request, Deadline deadline) {
    String userId = user(request.userId());
    UUID id = sessionId(request.sessionId());
    String role = role(request.role());
    if (request.content() == null) {
      throw ServiceException.badRequest("content: required");
    }
    if (request.partial() && !Messages.ROLE_AGENT.equals(role)) {
      throw ServiceException.badRequest("partial: only an agent reply can be partial");
    }
    UUID messageId = messageId(request.id());
    long started = System.nanoTime();
    if (messageId == null) {
      return repository.appendMessage(deadline, id, userId, Ids.newId(), role, blankToNull(request.agentId()), request.content(),
              request.partial())
          .compose(appended -> appended != null
              ? caches.afterAppend(appended.session(), started).map(appended.message())
              : whyNotAppended(userId, id));
    }
    return repository.appendMessageOnce(deadline, id, userId, messageId, role, blankToNull(request.agentId()), request.content(),
            request.partial())
        .compose(appended -> appended != null
            ? caches.afterAppend(appended.session(), started).map(appended.message())
            : alreadyStored(userId, id, messageId));
  }

  /** {@code MESSAGE_GET}: the session's messages among the ids, in the order asked (each once), absent ones left out. */
  Future<MessageList> getMessages(GetMessages request) {
    String userId = user(request.userId());
    List<UUID> ids = messageIds(request.ids());
    if (request.sessionId() == null) {
      return ids.isEmpty() ? Future.succeededFuture(new MessageList(List.of()))
          : repository.userMessagesById(userId, ids).map(found -> inOrder(ids, found));
    }
    UUID id = sessionId(request.sessionId());
    return owned(userId, id).compose(session -> ids.isEmpty()
        ? Future.succeededFuture(new MessageList(List.of()))
        : repository.messagesById(id, ids).map(found -> inOrder(ids, found)));
  }

  private static MessageList inOrder(List<UUID> ids, List<MessageView> found) {
    Map<String, MessageView> byId = new HashMap<>();
    found.forEach(message -> byId.put(message.id(), message));
    return new MessageList(ids.stream().map(asked -> byId.get(asked.toString())).filter(Objects::nonNull).toList());
  }

  /** Newest first; the first page comes from the cache, older pages ({@code before}) from the database. */
  Future<MessagePage> listMessages(ListMessages request) {
    String userId = user(request.userId());
    UUID id = sessionId(request.sessionId());
    int limit = clamp(request.limit());
    UUID before = beforeId(request.before());
    return owned(userId, id).compose(session -> before == null
        ? firstPage(session.id()).map(page -> page.slice(limit))
        : olderPage(id, before, limit));
  }

  /** {@code {counts:{users,sessions,messages}, caches:{sessions:{l1,l2,hitRatio}, messages:{…}}}}. */
  Future<JsonObject> stats() {
    return repository.counts().map(counts -> new JsonObject().put("counts", counts).put("caches", caches.stats()));
  }

  private Future<SessionView> owned(String userId, UUID id) {
    return caches.sessions().get(id.toString(), () -> repository.findSession(id)).compose(session ->
        session != null && session.userId().equals(userId)
            ? Future.succeededFuture(session)
            : Future.failedFuture(notFound()));
  }

  private Future<FirstPage> firstPage(String sessionId) {
    UUID id = UUID.fromString(sessionId);
    return caches.messages().get(sessionId, () -> repository.listMessages(id, null, FirstPage.SIZE + 1).map(FirstPage::of));
  }

  private Future<MessagePage> olderPage(UUID sessionId, UUID before, int limit) {
    return repository.messageKey(sessionId, before).compose(key -> {
      if (key == null) {
        return Future.failedFuture(ServiceException.badRequest("before: unknown message"));
      }
      return repository.listMessages(sessionId, key, limit + 1).map(rows -> rows.size() <= limit
          ? new MessagePage(rows, null)
          : new MessagePage(List.copyOf(rows.subList(0, limit)), rows.get(limit - 1).id()));
    });
  }

  private Future<SessionView> afterWrite(Future<SessionView> write, boolean withMessages) {
    return write.compose(session -> session == null
        ? Future.failedFuture(notFound())
        : caches.invalidate(session.id(), withMessages).map(session));
  }

  /**
   * The append matched no active session of the user: absent or not theirs (404), or closed (409). An
   * active one means an append with an id found that id stored, and it was deleted meanwhile: 503, retry.
   */
  private Future<MessageView> whyNotAppended(String userId, UUID id) {
    return repository.findSession(id).compose(session -> Future.failedFuture(
        session == null || !session.userId().equals(userId)
            ? notFound()
            : session.active()
                ? ServiceException.unavailable("message deleted while appended, retry")
                : new ServiceException(409, "session is closed")));
  }

  /**
   * An append with an id stored nothing: the message stored under that id answers, when it is this user's
   * in this session (another's is "not found", as its session would be).
   */
  private Future<MessageView> alreadyStored(String userId, UUID sessionId, UUID messageId) {
    return repository.findMessage(messageId).compose(found -> {
      if (found == null) {
        return whyNotAppended(userId, sessionId);
      }
      if (!found.userId().equals(userId) || !found.message().sessionId().equals(sessionId.toString())) {
        return Future.failedFuture(notFound());
      }
      // A first append of this id running at the same moment may have moved the session's time on (its
      // statement waited for the first's lock, then stored nothing): cached copies of the session are dropped.
      return caches.invalidate(sessionId.toString(), false).map(found.message());
    });
  }

  private static String user(String userId) {
    if (userId == null || userId.isBlank()) {
      throw ServiceException.badRequest("userId: required");
    }
    return userId;
  }

  private static UUID sessionId(String value) {
    UUID id = Ids.parseOrNull(value);
    if (id == null) {
      throw ServiceException.badRequest("sessionId: not a valid id");
    }
    return id;
  }

  /** The id an append asks for: null when none is given. */
  private static UUID messageId(String value) {
    if (value == null) {
      return null;
    }
    UUID id = Ids.parseOrNull(value);
    if (id == null) {
      throw ServiceException.badRequest("id: not a valid id");
    }
    return id;
  }

  /** Distinct, in the order given; at most {@link #MAX_LIMIT}. */
  private static List<UUID> messageIds(List<String> values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > MAX_LIMIT) {
      throw ServiceException.badRequest("ids: at most " + MAX_LIMIT);
    }
    Set<UUID> ids = new LinkedHashSet<>();
    for (String value : values) {
      UUID id = Ids.parseOrNull(value);
      if (id == null) {
        throw ServiceException.badRequest("ids: not a valid id");
      }
      ids.add(id);
    }
    return List.copyOf(ids);
  }

  private static UUID beforeId(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    UUID id = Ids.parseOrNull(value);
    if (id == null) {
      throw ServiceException.badRequest("before: unknown message");
    }
    return id;
  }

  private static String role(String role) {
    if (!Messages.ROLE_USER.equals(role) && !Messages.ROLE_AGENT.equals(role)) {
      throw ServiceException.badRequest("role: must be user or agent");
    }
    return role;
  }

  /** 0 (not given) or less is the default; more than 100 is 100. */
  static int clamp(int limit) {
    return limit <= 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, limit);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static ServiceException notFound() {
    return ServiceException.notFound("session not found");
  }
}
