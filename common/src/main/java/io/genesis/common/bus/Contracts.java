package io.genesis.common.bus;

import io.genesis.common.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * Message records sent over the event bus. Each is registered with a Jackson codec, so a record goes
 * as-is to a local consumer and as JSON to a consumer on another cluster node.
 */
public final class Contracts {
  private Contracts() {}

  public static final List<Class<? extends Record>> MESSAGE_TYPES = List.of(
      Messages.CreateSession.class, Messages.ListSessions.class, Messages.SessionRef.class,
      Messages.SetSessionAgent.class, Messages.SessionView.class, Messages.SessionPage.class,
      Messages.AppendMessage.class, Messages.ListMessages.class, Messages.MessageView.class,
      Messages.MessagePage.class, Messages.AgentRef.class, Messages.AgentView.class,
      Messages.AgentList.class, Messages.ReplyRequest.class, Messages.ReplyResult.class,
      Messages.Handoff.class, Messages.HealthReport.class, Messages.Empty.class, Messages.ChatTurn.class,
      Messages.Usage.class, Messages.StreamReply.class, Messages.StreamOpened.class, Messages.StreamRefused.class,
      Messages.StreamControl.class, Messages.ReplyEvent.class, Messages.ToolUse.class,
      Messages.AuditEntry.class, Messages.ListAudit.class, Messages.AuditView.class, Messages.AuditPage.class,
      Messages.ExportPageRequest.class, Messages.ExportChunk.class, Messages.ExportPage.class,
      Messages.EraseUser.class, Messages.EraseResult.class,
      Messages.GetMessages.class, Messages.MessageList.class, Messages.IdempotencyClaim.class,
      Messages.IdempotencyRecord.class, Messages.ClaimResult.class, Messages.IdempotencyOutcome.class,
      Messages.IdempotencyRelease.class, Messages.ExportKeysRequest.class, Messages.ExportedKey.class,
      Messages.ExportedKeys.class, Messages.Profile.class, Messages.GetProfile.class, Messages.PutProfile.class,
      Messages.PatchProfile.class, Messages.ProgressView.class, Messages.AddProgress.class, Messages.ListProgress.class,
      Messages.ProgressPage.class, Messages.ProgressRef.class, Messages.CoachingContextRequest.class,
      Messages.CoachingContext.class);

  /** Registers the codecs on this Vert.x instance; safe to call from every verticle that starts. */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (Contracts.class) {
      for (Class<? extends Record> type : MESSAGE_TYPES) {
        registerOne(bus, type);
      }
    }
  }

  private static <T> void registerOne(EventBus bus, Class<T> type) {
    // Builds the type's (de)serializers now: Jackson builds them once under a lock, which two event
    // loops meeting on a first message would otherwise wait for.
    Json.MAPPER.readerFor(type);
    Json.MAPPER.writerFor(type);
    try {
      bus.registerDefaultCodec(type, new JacksonCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }
}
