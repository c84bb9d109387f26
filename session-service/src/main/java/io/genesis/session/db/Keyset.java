package io.genesis.session.db;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A position in a newest-first listing: the sort time and id of the last row already seen. */
public record Keyset(OffsetDateTime at, UUID id) {}
