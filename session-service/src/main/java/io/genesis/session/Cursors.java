package io.genesis.session;

import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.error.ServiceException;
import io.genesis.common.id.Ids;
import io.genesis.session.db.Keyset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque cursor of the session listing: base64url (no padding) of
 * {@code <updated_at as epoch microseconds>:<id>} of the last session of the previous page.
 * Microseconds are PostgreSQL's precision, so the position is exact.
 */
final class Cursors {
  private Cursors() {}

  static String encode(SessionView last) {
    return encode(last.updatedAt(), last.id());
  }

  /** The same cursor for any newest-first listing by (time, id), e.g. the audit trail. */
  static String encode(Instant at, String id) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
    String raw = micros + ":" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /** The position, null for none; a cursor that is not one of ours is a 400. */
  static Keyset decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      UUID id = colon < 0 ? null : Ids.parseOrNull(raw.substring(colon + 1));
      if (id == null) {
        throw malformed();
      }
      Instant at = Instant.EPOCH.plus(Long.parseLong(raw.substring(0, colon)), ChronoUnit.MICROS);
      return new Keyset(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), id);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      throw malformed();
    }
  }

  private static ServiceException malformed() {
    return ServiceException.badRequest("cursor: malformed");
  }
}
