package io.genesis.agent.stream;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.genesis.common.error.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/** Reads a session's recent messages from the session service, as the turns a model sees. */
final class History {
  /** Enough for any context budget we trim to; older turns would be cut anyway. */
  static final int MAX_MESSAGES = 50;
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(5_000);

  private History() {}

  /**
   * The conversation of the request's session before its message, oldest first. The caller stored the user's message
   * before asking for the reply, so the newest stored message is usually that message: it is left out.
   */
  static Future<List<ChatTurn>> before(EventBus bus, ReplyRequest request) {
    ListMessages list = new ListMessages(request.userId(), request.sessionId(), MAX_MESSAGES, null);
    return bus.<MessagePage>request(Addresses.MESSAGE_LIST, list, OPTIONS)
        .recover(failure -> Future.failedFuture(ServiceException.fromBus("session-service", failure)))
        .map(Message::body)
        .map(page -> turns(page.items(), request.content()));
  }

  static List<ChatTurn> turns(List<MessageView> newestFirst, String currentText) {
    int skip = !newestFirst.isEmpty() && Messages.ROLE_USER.equals(newestFirst.get(0).role())
        && newestFirst.get(0).content().equals(currentText) ? 1 : 0;
    List<ChatTurn> turns = new ArrayList<>(newestFirst.size());
    for (int i = newestFirst.size() - 1; i >= skip; i--) {
      MessageView m = newestFirst.get(i);
      String role = Messages.ROLE_USER.equals(m.role()) ? Messages.TURN_USER : Messages.TURN_ASSISTANT;
      turns.add(new ChatTurn(role, m.content()));
    }
    return turns;
  }
}
