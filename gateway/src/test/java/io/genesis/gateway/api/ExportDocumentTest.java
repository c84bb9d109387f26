package io.genesis.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.genesis.common.bus.Messages.ExportChunk;
import io.genesis.common.bus.Messages.ExportPage;
import io.genesis.common.bus.Messages.ExportedKey;
import io.genesis.common.bus.Messages.ExportedKeys;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressPage;
import io.genesis.common.bus.Messages.ProgressView;
import io.genesis.common.bus.Messages.SessionView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The export document, written page by page")
class ExportDocumentTest {
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05.123456Z");

  private static SessionView session(String id) {
    return new SessionView(id, "u\"1", "sage", "a \"title\"", true, AT, AT);
  }

  private static MessageView message(String sessionId, String content) {
    return new MessageView(content + "-id", sessionId, "user", null, content, AT, false);
  }

  private static final ExportedKeys NO_KEYS = new ExportedKeys(List.of());

  @Test
  @DisplayName("a session spanning pages stays one object; empty sessions and escaping come out right; the keys, profile and progress records close it")
  void pagesJoin() {
    ExportDocument document = new ExportDocument(new ExportedKeys(List.of(
        new ExportedKey("k\"1", "messages", "s1", "m1", "r1", AT, null))),
        new Profile(30, "male", 180.0, 80.0, "moderate", "lose_fat", "imperial", "Europe/Paris"));
    Buffer out = ExportDocument.start("u\"1", AT);
    out.appendBuffer(document.page(new ExportPage(List.of(new ExportChunk(session("s1"), List.of(message("s1", "a"), message("s1", "b")))), "c1")));
    out.appendBuffer(document.page(new ExportPage(List.of(new ExportChunk(session("s1"), List.of(message("s1", "c"))),
        new ExportChunk(session("s2"), List.of())), "c2")));
    out.appendBuffer(document.page(new ExportPage(List.of(new ExportChunk(session("s3"), List.of(message("s3", "d")))), null)));
    out.appendBuffer(document.endSessions());
    out.appendBuffer(document.progress(new ProgressPage(List.of(record("p2", 81.5), record("p1", 82)), "next")));
    out.appendBuffer(document.progress(new ProgressPage(List.of(record("p0", 83)), null)));
    out.appendBuffer(document.end());
    JsonObject json = out.toJsonObject();
    assertEquals("u\"1", json.getString("userId"));
    assertEquals("genesis-export-1", json.getString("format"));
    assertEquals(AT, json.getInstant("exportedAt"));
    JsonArray sessions = json.getJsonArray("sessions");
    assertEquals(3, sessions.size());
    assertEquals("a \"title\"", sessions.getJsonObject(0).getString("title"));
    assertEquals(List.of("a", "b", "c"), sessions.getJsonObject(0).getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("content")).toList());
    assertEquals(0, sessions.getJsonObject(1).getJsonArray("messages").size());
    assertEquals(1, sessions.getJsonObject(2).getJsonArray("messages").size());
    JsonObject key = json.getJsonArray("idempotencyKeys").getJsonObject(0);
    assertEquals("k\"1", key.getString("key"));
    assertEquals("r1", key.getString("replyId"));
    assertEquals(80.0, json.getJsonObject("profile").getDouble("weightKg"));
    assertEquals("imperial", json.getJsonObject("profile").getString("units"));
    assertEquals(List.of("p2", "p1", "p0"), json.getJsonArray("progress").stream().map(r -> ((JsonObject) r).getString("id")).toList());
    assertEquals("kg", json.getJsonArray("progress").getJsonObject(0).getString("unit"));
  }

  private static ProgressView record(String id, double kg) {
    return new ProgressView(id, "weight", kg, "kg", AT, null, AT);
  }

  @Test
  @DisplayName("no sessions is an empty list; a document cut before its end does not parse")
  void emptyAndCut() {
    ExportDocument document = new ExportDocument(NO_KEYS, Profile.EMPTY);
    Buffer head = ExportDocument.start("u1", AT);
    JsonObject empty = head.copy().appendBuffer(document.page(new ExportPage(List.of(), null))).appendBuffer(document.endSessions())
        .appendBuffer(document.progress(new ProgressPage(List.of(), null))).appendBuffer(document.end()).toJsonObject();
    assertEquals(0, empty.getJsonArray("sessions").size());
    assertEquals(new JsonObject(), empty.getJsonObject("profile"));
    assertEquals(0, empty.getJsonArray("progress").size());
    ExportDocument cut = new ExportDocument(NO_KEYS, Profile.EMPTY);
    Buffer partial = ExportDocument.start("u1", AT)
        .appendBuffer(cut.page(new ExportPage(List.of(new ExportChunk(session("s1"), List.of(message("s1", "a")))), "c")));
    assertThrows(DecodeException.class, partial::toJsonObject);
  }
}
