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
    return opaque(ChronoUnit.MICROS.between(Instant.EPOCH, at) + ":" + id);
  }

  /** The position, null for none; a cursor that is not one of ours is a 400. */
  static Keyset decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    String raw = raw(cursor);
    int colon = raw.indexOf(':');
    if (colon < 0) {
      throw malformed();
    }
    return keyset(raw.substring(0, colon), raw.substring(colon + 1));
  }

  /** {@code <µs>:<id>} of a position, to be part of a larger cursor (the export's). */
  static String position(Keyset at) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, at.at().toInstant()) + ":" + at.id();
  }

  /** The position of {@link #position}'s two parts; anything else is a 400. */
  static Keyset keyset(String micros, String id) {
    UUID parsed = Ids.parseOrNull(id);
    if (parsed == null) {
      throw malformed();
    }
    try {
      Instant at = Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
      return new Keyset(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), parsed);
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
      throw malformed();
    }
  }

  /** base64url without padding: what every cursor looks like to clients. */
  static String opaque(String raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static String raw(String cursor) {
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
  }

  static ServiceException malformed() {
    return ServiceException.badRequest("cursor: malformed");
  }
}
