package io.genesis.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CeilingOptionsTest {
  private static final String PG = "postgresql://postgres@127.0.0.1:5432/postgres";
  private static final String REDIS = "redis://127.0.0.1:6379";
  private static final Map<String, String> ENV = Map.of("GENESIS_PG_URL", PG, "GENESIS_REDIS_URL", REDIS);

  @Test
  @DisplayName("no options: port 8081, no backends")
  void defaults() {
    assertEquals(new CeilingOptions(8081, null, null), CeilingOptions.parse(List.of(), Map.of()));
  }

  @Test
  @DisplayName("the URLs default to GENESIS_PG_URL and GENESIS_REDIS_URL; options win; an empty one leaves the backend out")
  void environment() {
    assertEquals(new CeilingOptions(8081, PG, REDIS), CeilingOptions.parse(List.of(), ENV));
    assertEquals(new CeilingOptions(9000, "postgresql://u@db:5433/x", REDIS),
        CeilingOptions.parse(List.of("--port", "9000", "--pg-url", "postgresql://u@db:5433/x"), ENV));
    CeilingOptions none = CeilingOptions.parse(List.of("--pg-url", "", "--redis-url", ""), ENV);
    assertNull(none.pgUrl());
    assertNull(none.redisUrl());
  }

  @Test
  @DisplayName("the backends line names hosts and databases, never credentials")
  void describe() {
    String line = new CeilingOptions(0, "postgresql://postgres:secret@127.0.0.1:5432/postgres", "redis://:pw@127.0.0.1:6380")
        .describeBackends();
    assertEquals("PostgreSQL 127.0.0.1:5432/postgres (schema perf_ceiling), Redis 127.0.0.1:6380", line);
    assertFalse(line.contains("secret") || line.contains("pw"), line);
    assertTrue(new CeilingOptions(0, null, null).describeBackends().contains("pass --pg-url"));
  }

  @Test
  @DisplayName("bad values and unknown options are refused, naming them")
  void refused() {
    assertMessage("--port must be a whole number, got 'x'", "--port", "x");
    assertMessage("--port must be at most 65535, got 70000", "--port", "70000");
    assertMessage("unknown option --pgurl for this command", "--pgurl", PG);
    assertMessage("--pg-url (or GENESIS_PG_URL) must look like postgresql://USER@HOST:PORT/DB", "--pg-url", REDIS);
    assertMessage("--redis-url (or GENESIS_REDIS_URL) must look like redis://HOST:PORT", "--redis-url", PG);
    assertMessage("--port needs a value", "--port");
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CeilingOptions.parse(List.of(args), Map.of()));
    assertEquals(expected, e.getMessage());
  }
}
