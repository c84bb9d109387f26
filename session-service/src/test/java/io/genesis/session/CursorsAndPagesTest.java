package io.genesis.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.session.cache.FirstPage;
import io.genesis.session.db.Keyset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cursors and cached first pages")
class CursorsAndPagesTest {

  @Test
  @DisplayName("a session cursor round-trips the exact microsecond and id, and is URL-safe")
  void cursorRoundTrip() {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-03-01T10:15:30.123456Z");
    String cursor = Cursors.encode(new SessionView(id.toString(), "u", null, null, true, at, at));
    assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
    Keyset keyset = Cursors.decode(cursor);
    assertEquals(id, keyset.id());
    assertEquals(at, keyset.at().toInstant());
    assertNull(Cursors.decode(null));
  }

  @Test
  @DisplayName("malformed cursors are 400")
  void malformedCursor() {
    for (String bad : List.of("%%%", "bm9wZQ", "MTIzOm5vdC1hLXV1aWQ", "eDo1ZjFkN2EyZS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA")) {
      ServiceException e = assertThrows(ServiceException.class, () -> Cursors.decode(bad), bad);
      assertEquals(400, e.status());
    }
  }

  private static List<MessageView> messages(int count) {
    List<MessageView> out = new ArrayList<>();
    for (int i = count; i > 0; i--) {
      out.add(new MessageView("m" + i, "s", "user", null, "text " + i, Instant.ofEpochSecond(i), false));
    }
    return out;
  }

  @Test
  @DisplayName("a first page slices for smaller limits and knows when older messages exist")
  void firstPageSlices() {
    FirstPage full = FirstPage.of(messages(FirstPage.SIZE + 1));
    assertTrue(full.more());
    assertEquals(FirstPage.SIZE, full.items().size());
    MessagePage fifty = full.slice(50);
    assertEquals(50, fifty.items().size());
    assertEquals("m52", fifty.nextCursor());
    assertEquals("m2", full.slice(FirstPage.SIZE).nextCursor());

    FirstPage few = FirstPage.of(messages(3));
    assertFalse(few.more());
    assertNull(few.slice(10).nextCursor());
    assertEquals("m2", few.slice(2).nextCursor());
    assertEquals(List.of(), FirstPage.of(List.of()).slice(20).items());
  }

  @Test
  @DisplayName("a first page survives the JSON round trip of the Redis layer")
  void firstPageJson() {
    FirstPage page = FirstPage.of(messages(4));
    assertEquals(page, Json.fromString(Json.toString(page), FirstPage.class));
  }
}
