package io.genesis.common.id;

import com.github.f4b6a3.uuid.factory.standard.TimeOrderedEpochFactory;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Time-ordered ids (UUIDv7, RFC 9562): index-friendly and sortable by creation time. */
public final class Ids {
  /**
   * One factory per thread: the library's shared factory takes a process-wide lock and draws from
   * SecureRandom (a read of /dev/urandom), which would block event loops. Ids are identifiers, not
   * secrets, so ThreadLocalRandom's bits are enough; within a thread they stay monotonic.
   */
  private static final ThreadLocal<TimeOrderedEpochFactory> FACTORY =
      ThreadLocal.withInitial(() -> new TimeOrderedEpochFactory(() -> ThreadLocalRandom.current().nextLong()));

  private Ids() {}

  public static UUID newId() {
    return FACTORY.get().create();
  }

  /** Parses a client-supplied id, or returns null when it is not a UUID. */
  public static UUID parseOrNull(String value) {
    if (value == null || value.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
