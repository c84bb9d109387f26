package io.genesis.gateway.api;

import io.genesis.common.bus.Messages.ExportChunk;
import io.genesis.common.bus.Messages.ExportPage;
import io.genesis.common.bus.Messages.ExportedKeys;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressPage;
import io.genesis.common.bus.Messages.ProgressView;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.json.Json;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/**
 * Writes the export document ({@code genesis-export-1}) piece by piece, page after page:
 * {@code {"userId","exportedAt","format","sessions":[{…session…,"messages":[…]},…],"idempotencyKeys":[…],
 * "profile":{…},"progress":[…]}}. A session whose messages span pages stays open until a chunk of another session,
 * or the end of the sessions, arrives; the progress records follow page by page, newest first.
 */
final class ExportDocument {
  static final String FORMAT = "genesis-export-1";

  private final ExportedKeys keys;
  private final Profile profile;
  private boolean anyRecord;
  private String openSession;
  private boolean anySession;
  private boolean anyMessage;

  ExportDocument(ExportedKeys keys, Profile profile) {
    this.keys = keys;
    this.profile = profile;
  }

  static Buffer start(String userId, Instant exportedAt) {
    return Buffer.buffer("{\"userId\":" + Json.toString(userId) + ",\"exportedAt\":" + Json.toString(exportedAt)
        + ",\"format\":\"" + FORMAT + "\",\"sessions\":[");
  }

  Buffer page(ExportPage page) {
    Buffer out = Buffer.buffer();
    for (ExportChunk chunk : page.chunks()) {
      if (!chunk.session().id().equals(openSession)) {
        open(out, chunk.session());
      }
      for (MessageView message : chunk.messages()) {
        if (anyMessage) {
          out.appendByte((byte) ',');
        }
        out.appendBytes(Json.toBytes(message));
        anyMessage = true;
      }
    }
    return out;
  }

  /** Closes the sessions; what follows them up to the first progress record. */
  Buffer endSessions() {
    return Buffer.buffer(openSession == null ? "]" : "]}]").appendString(",\"idempotencyKeys\":")
        .appendBytes(Json.toBytes(keys.items())).appendString(",\"profile\":").appendBytes(Json.toBytes(profile))
        .appendString(",\"progress\":[");
  }

  Buffer progress(ProgressPage page) {
    Buffer out = Buffer.buffer();
    for (ProgressView record : page.items()) {
      if (anyRecord) {
        out.appendByte((byte) ',');
      }
      out.appendBytes(Json.toBytes(record));
      anyRecord = true;
    }
    return out;
  }

  Buffer end() {
    return Buffer.buffer("]}");
  }

  private void open(Buffer out, SessionView session) {
    if (openSession != null) {
      out.appendString("]}");
    }
    if (anySession) {
      out.appendByte((byte) ',');
    }
    String fields = Json.toString(session); // an object with fields: its closing brace is the last character
    out.appendString(fields.substring(0, fields.length() - 1)).appendString(",\"messages\":[");
    openSession = session.id();
    anySession = true;
    anyMessage = false;
  }
}
