package io.genesis.agent.stream;

import io.genesis.agent.coach.OfflineCoach;
import io.genesis.agent.coach.StatedFigures;
import io.genesis.agent.coach.calc.Calculator.Uses;
import io.genesis.agent.coach.calc.Facts;
import io.genesis.agent.model.ModelRequest;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.CoachingContext;
import io.genesis.common.bus.Messages.CoachingContextRequest;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ReplyRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the offline coach knows of the person when it answers, gathered only when the message needs it: the profile
 * (and, for a trend question, the recent progress records) in one request to the session service
 * ({@link Addresses#COACHING_CONTEXT}), and the figures stated earlier in the conversation (its recent messages,
 * the first page the session service caches). Figures stated in this message that differ from the profile become
 * the {@code profile_suggestion} to offer. Never fails a reply: a lookup that fails or is slow counts as nothing known.
 */
final class CoachingFacts {
  private static final Logger LOG = LoggerFactory.getLogger(CoachingFacts.class);
  static final long TIMEOUT_MILLIS = 2_000;
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS);

  /** The facts for the reply, and the profile patch to offer ({@link Profile#EMPTY}: none). */
  record Known(Facts facts, Profile suggestion) {
    static final Known NOTHING = new Known(Facts.NONE, Profile.EMPTY);
  }

  private CoachingFacts() {}

  static Future<Known> of(EventBus bus, ReplyRequest request, ModelRequest model) {
    if (request.userId() == null) {
      return Future.succeededFuture(Known.NOTHING);
    }
    Uses uses = OfflineCoach.uses(model.agent(), model.userText());
    Profile statedNow = StatedFigures.of(model.userText());
    if (uses == Uses.NOTHING && statedNow.isEmpty()) {
      return Future.succeededFuture(Known.NOTHING);
    }
    return gather(bus, request, uses, statedNow, true);
  }

  /**
   * For an upstream model, which may need any figure: the stored profile always (one request, a cache hit in the
   * session service), with the figures stated in this message laid over it; the model reads the conversation
   * itself. The system prompt gives it the result ({@code ChatRequest}).
   */
  static Future<Known> forModel(EventBus bus, ReplyRequest request, ModelRequest model) {
    if (request.userId() == null) {
      return Future.succeededFuture(Known.NOTHING);
    }
    return gather(bus, request, Uses.PROFILE, StatedFigures.of(model.userText()), false);
  }

  /** @param readTurns whether the figures stated earlier in the conversation are looked for (the offline coach) */
  private static Future<Known> gather(EventBus bus, ReplyRequest request, Uses uses, Profile statedNow, boolean readTurns) {
    Future<CoachingContext> context = bus.<CoachingContext>request(Addresses.COACHING_CONTEXT,
            new CoachingContextRequest(request.userId(), uses == Uses.RECORDS), OPTIONS)
        .map(Message::body)
        .otherwise(failure -> {
          LOG.debug("coaching context unavailable, answering without it: {}", failure.getMessage());
          return CoachingContext.NONE;
        });
    Future<List<ChatTurn>> turns = uses == Uses.NOTHING || !readTurns ? Future.succeededFuture(List.of())
        : request.history() != null ? Future.succeededFuture(request.history())
        : request.sessionId() == null ? Future.succeededFuture(List.of())
        : History.before(bus, request).otherwise(failure -> List.of());
    return Future.all(context, turns).map(both -> {
      Profile stored = context.result().profile() == null ? Profile.EMPTY : context.result().profile();
      Profile stated = StatedFigures.ofConversation(turns.result()).merged(statedNow, List.of());
      Facts facts = new Facts(stored.merged(stated, List.of()), context.result().recent());
      return new Known(facts, StatedFigures.suggestion(stored, statedNow));
    });
  }
}
