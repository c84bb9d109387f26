package io.genesis.session;

import static io.genesis.session.TestSupport.expectStatus;
import static io.genesis.session.TestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AuditEntry;
import io.genesis.common.bus.Messages.AuditPage;
import io.genesis.common.bus.Messages.AuditView;
import io.genesis.common.bus.Messages.ListAudit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The audit trail over the bus: recorded, listed newest first, paged, filtered")
class AuditTrailTest {
  private static Vertx vertx;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    await(TestSupport.deploy(vertx));
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("entries of one action come back newest first, page by page, each once")
  void pages() throws Exception {
    String action = "test." + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 5; i++) {
      await(request(vertx, Addresses.AUDIT_RECORD, new AuditEntry("admin-1", action, "/api/v1/admin/stats", "GET " + i)));
    }
    await(request(vertx, Addresses.AUDIT_RECORD, new AuditEntry("admin-1", "test.other", null, null)));
    List<AuditView> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      AuditPage page = await(request(vertx, Addresses.AUDIT_LIST, new ListAudit(action, 2, cursor)));
      seen.addAll(page.items());
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null && pages < 10);
    assertEquals(3, pages);
    assertEquals(List.of("GET 4", "GET 3", "GET 2", "GET 1", "GET 0"), seen.stream().map(AuditView::details).toList());
    for (AuditView entry : seen) {
      assertEquals("admin-1", entry.actor());
      assertEquals(action, entry.action());
      assertEquals("/api/v1/admin/stats", entry.subject());
    }
    for (int i = 1; i < seen.size(); i++) {
      assertTrue(!seen.get(i).at().isAfter(seen.get(i - 1).at()));
    }
    AuditPage all = await(request(vertx, Addresses.AUDIT_LIST, new ListAudit(null, 1, null)));
    assertEquals("test.other", all.items().get(0).action());
    assertNull(all.items().get(0).subject());
  }

  @Test
  @DisplayName("an entry without actor or action, or a foreign cursor, is a 400; an oversized field is cut, not refused")
  void badInput() throws Exception {
    await(expectStatus(request(vertx, Addresses.AUDIT_RECORD, new AuditEntry(" ", "x", null, null)), 400));
    await(expectStatus(request(vertx, Addresses.AUDIT_RECORD, new AuditEntry("a", null, null, null)), 400));
    await(request(vertx, Addresses.AUDIT_RECORD, new AuditEntry("a", "test.long", null, "d".repeat(5000))));
    AuditPage longOne = await(request(vertx, Addresses.AUDIT_LIST, new ListAudit("test.long", 1, null)));
    assertEquals(1000, longOne.items().get(0).details().length());
    assertTrue(longOne.items().get(0).details().endsWith("…"));
    await(expectStatus(request(vertx, Addresses.AUDIT_LIST, new ListAudit(null, 10, "not-a-cursor")), 400));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
