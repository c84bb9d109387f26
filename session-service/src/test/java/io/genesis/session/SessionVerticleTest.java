package io.genesis.session;

import static io.genesis.session.TestSupport.appendMany;
import static io.genesis.session.TestSupport.expectStatus;
import static io.genesis.session.TestSupport.l1;
import static io.genesis.session.TestSupport.request;
import static io.genesis.session.TestSupport.stats;
import static io.genesis.session.TestSupport.userId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AppendMessage;
import io.genesis.common.bus.Messages.CreateSession;
import io.genesis.common.bus.Messages.HealthReport;
import io.genesis.common.bus.Messages.ListMessages;
import io.genesis.common.bus.Messages.ListSessions;
import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import io.genesis.common.bus.Messages.SessionPage;
import io.genesis.common.bus.Messages.SessionRef;
import io.genesis.common.bus.Messages.SessionView;
import io.genesis.common.bus.Messages.SetSessionAgent;
import io.genesis.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Session verticle over the event bus")
class SessionVerticleTest {

  @BeforeAll
  static void deploy(Vertx vertx, VertxTestContext ctx) {
    TestSupport.services();
    TestSupport.deploy(vertx).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<SessionView> create(Vertx vertx, String user, String agentId, String title) {
    return request(vertx, Addresses.SESSION_CREATE, new CreateSession(user, agentId, title));
  }

  @Test
  @DisplayName("a new session's updatedAt is its createdAt (one clock reading, 200 times over)")
  void newSessionTimes(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    List<Future<SessionView>> creates = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      creates.add(create(vertx, user, null, "s" + i));
    }
    Future.all(creates).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (Future<SessionView> created : creates) {
        assertEquals(created.result().createdAt(), created.result().updatedAt());
      }
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("create, get and list a session")
  void createGetList(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, "blaze", "Leg day").compose(created -> {
      ctx.verify(() -> {
        assertEquals(user, created.userId());
        assertEquals("blaze", created.agentId());
        assertEquals("Leg day", created.title());
        assertTrue(created.active());
        assertNotNull(Ids.parseOrNull(created.id()));
        assertEquals(created.createdAt(), created.updatedAt());
      });
      return request(vertx, Addresses.SESSION_GET, new SessionRef(user, created.id()))
          .compose(got -> {
            ctx.verify(() -> assertEquals(created, got));
            return request(vertx, Addresses.SESSION_LIST, new ListSessions(user, null, 10, null));
          })
          .map(page -> {
            SessionPage p = (SessionPage) page;
            ctx.verify(() -> {
              assertEquals(List.of(created), p.items());
              assertNull(p.nextCursor());
            });
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a session without agent or title stores nulls")
  void createDefaults(Vertx vertx, VertxTestContext ctx) {
    create(vertx, userId(), null, "  ").onComplete(ctx.succeeding(s -> ctx.verify(() -> {
      assertNull(s.agentId());
      assertNull(s.title());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("close is idempotent, keeps messages, and a closed session refuses appends with 409")
  void closeSession(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, null, "t").compose(s -> appendMany(vertx, user, s.id(), 2)
        .compose(msgs -> request(vertx, Addresses.SESSION_CLOSE, new SessionRef(user, s.id())))
        .compose(first -> request(vertx, Addresses.SESSION_CLOSE, new SessionRef(user, s.id()))
            .map(second -> {
              SessionView a = (SessionView) first;
              SessionView b = (SessionView) second;
              ctx.verify(() -> {
                assertFalse(a.active());
                assertEquals(a, b);
                assertTrue(a.updatedAt().isAfter(s.updatedAt()));
              });
              return null;
            }))
        .compose(v -> expectStatus(request(vertx, Addresses.MESSAGE_APPEND,
            new AppendMessage(user, s.id(), "user", null, "hello?")), 409))
        .compose(v -> request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, null)))
        .map(page -> {
          ctx.verify(() -> assertEquals(2, ((MessagePage) page).items().size()));
          return null;
        })
        .compose(v -> request(vertx, Addresses.SESSION_GET, new SessionRef(user, s.id())))
        .map(got -> {
          ctx.verify(() -> assertFalse(((SessionView) got).active()));
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("another user's session is not found on every address that takes a session id")
  void ownership(Vertx vertx, VertxTestContext ctx) {
    String owner = userId();
    String other = userId();
    create(vertx, owner, "sage", "mine").compose(s -> Future.all(List.of(
            expectStatus(request(vertx, Addresses.SESSION_GET, new SessionRef(other, s.id())), 404),
            expectStatus(request(vertx, Addresses.SESSION_CLOSE, new SessionRef(other, s.id())), 404),
            expectStatus(request(vertx, Addresses.SESSION_SET_AGENT, new SetSessionAgent(other, s.id(), "volt")), 404),
            expectStatus(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(other, s.id(), "user", null, "x")), 404),
            expectStatus(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(other, s.id(), 10, null)), 404)))
        .compose(v -> request(vertx, Addresses.SESSION_GET, new SessionRef(owner, s.id())))
        .map(still -> {
          ctx.verify(() -> {
            SessionView view = (SessionView) still;
            assertTrue(view.active());
            assertEquals("sage", view.agentId());
          });
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("unknown ids are 404, malformed ids, cursors and before are 400")
  void badInput(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    String unknown = Ids.newId().toString();
    create(vertx, user, null, null).compose(s -> Future.all(List.of(
            expectStatus(request(vertx, Addresses.SESSION_GET, new SessionRef(user, unknown)), 404),
            expectStatus(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(user, unknown, "user", null, "x")), 404),
            expectStatus(request(vertx, Addresses.SESSION_GET, new SessionRef(user, "not-a-uuid")), 400),
            expectStatus(request(vertx, Addresses.SESSION_LIST, new ListSessions(user, null, 10, "!!")), 400),
            expectStatus(request(vertx, Addresses.SESSION_LIST, new ListSessions(user, null, 10, "bm9wZQ")), 400),
            expectStatus(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, unknown)), 400),
            expectStatus(request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, "zzz")), 400),
            expectStatus(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(user, s.id(), "system", null, "x")), 400),
            expectStatus(request(vertx, Addresses.SESSION_GET, "a string"), 400))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("sessions page newest first with an opaque cursor and an active filter")
  void sessionPagination(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    List<SessionView> created = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 7; i++) {
      String title = "s" + i;
      chain = chain.compose(v -> create(vertx, user, null, title).map(s -> {
        created.add(s);
        return null;
      }));
    }
    chain
        .compose(v -> request(vertx, Addresses.SESSION_CLOSE, new SessionRef(user, created.get(1).id())))
        .compose(v -> request(vertx, Addresses.SESSION_CLOSE, new SessionRef(user, created.get(4).id())))
        .compose(v -> allSessions(vertx, user, null, 3, null, new ArrayList<>()))
        .compose(all -> {
          ctx.verify(() -> {
            assertEquals(List.of(3, 3, 1), all.stream().map(p -> p.items().size()).toList());
            List<SessionView> items = all.stream().flatMap(p -> p.items().stream()).toList();
            assertEquals(7, new HashSet<>(items.stream().map(SessionView::id).toList()).size());
            // closing bumped s1 and s4 (s4 last): newest first by updatedAt, then s6..s0 without them
            assertEquals(List.of("s4", "s1", "s6", "s5", "s3", "s2", "s0"), items.stream().map(SessionView::title).toList());
            for (int i = 1; i < items.size(); i++) {
              assertTrue(items.get(i - 1).updatedAt().isAfter(items.get(i).updatedAt()));
            }
          });
          return allSessions(vertx, user, true, 2, null, new ArrayList<>());
        })
        .compose(active -> {
          ctx.verify(() -> assertEquals(List.of("s6", "s5", "s3", "s2", "s0"),
              active.stream().flatMap(p -> p.items().stream()).map(SessionView::title).toList()));
          return allSessions(vertx, user, false, 100, null, new ArrayList<>());
        })
        .map(closed -> {
          ctx.verify(() -> assertEquals(List.of("s4", "s1"),
              closed.stream().flatMap(p -> p.items().stream()).map(SessionView::title).toList()));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<List<SessionPage>> allSessions(Vertx vertx, String user, Boolean active, int limit, String cursor,
                                                       List<SessionPage> pages) {
    return TestSupport.<SessionPage>request(vertx, Addresses.SESSION_LIST, new ListSessions(user, active, limit, cursor))
        .compose(page -> {
          pages.add(page);
          return page.nextCursor() == null ? Future.succeededFuture(pages)
              : allSessions(vertx, user, active, limit, page.nextCursor(), pages);
        });
  }

  @Test
  @DisplayName("120 messages paged by 50: newest first, no duplicates, no gaps")
  void messagePagination(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, "blaze", "long chat")
        .compose(s -> appendMany(vertx, user, s.id(), 120)
            .compose(appended -> allMessages(vertx, user, s.id(), 50, null, new ArrayList<>()).map(pages -> {
              ctx.verify(() -> {
                assertEquals(List.of(50, 50, 20), pages.stream().map(p -> p.items().size()).toList());
                assertNull(pages.get(2).nextCursor());
                List<MessageView> listed = pages.stream().flatMap(p -> p.items().stream()).toList();
                List<MessageView> expected = new ArrayList<>(appended);
                java.util.Collections.reverse(expected);
                assertEquals(expected, listed);
                for (int i = 1; i < listed.size(); i++) {
                  assertTrue(listed.get(i - 1).createdAt().isAfter(listed.get(i).createdAt()), "strictly newest first");
                }
                assertEquals("user", appended.get(0).role());
                assertEquals("agent", appended.get(1).role());
                assertEquals("blaze", appended.get(1).agentId());
              });
              return appended;
            }))
            .compose(appended -> request(vertx, Addresses.SESSION_GET, new SessionRef(user, s.id()))
                .map(got -> {
                  ctx.verify(() -> assertEquals(appended.get(119).createdAt(), ((SessionView) got).updatedAt()));
                  return null;
                })))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<List<MessagePage>> allMessages(Vertx vertx, String user, String sessionId, int limit, String before,
                                                       List<MessagePage> pages) {
    return TestSupport.<MessagePage>request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, sessionId, limit, before))
        .compose(page -> {
          pages.add(page);
          return page.nextCursor() == null ? Future.succeededFuture(pages)
              : allMessages(vertx, user, sessionId, limit, page.nextCursor(), pages);
        });
  }

  @Test
  @DisplayName("concurrent appends to one session all commit with distinct, strictly ordered times")
  void concurrentAppends(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, null, null).compose(s -> {
      List<Future<MessageView>> appends = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        appends.add(request(vertx, Addresses.MESSAGE_APPEND, new AppendMessage(user, s.id(), "user", null, "c" + i)));
      }
      return Future.all(appends).compose(all -> request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 50, null)));
    }).onComplete(ctx.succeeding(page -> ctx.verify(() -> {
      List<MessageView> items = ((MessagePage) page).items();
      assertEquals(20, items.size());
      for (int i = 1; i < items.size(); i++) {
        assertTrue(items.get(i - 1).createdAt().isAfter(items.get(i).createdAt()));
      }
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the first message page is cached, sliced for smaller limits, and refreshed after an append")
  void firstPageCache(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, null, null).compose(s -> appendMany(vertx, user, s.id(), 5)
            .compose(appended -> stats(vertx)
                .compose(before -> request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 3, null))
                    .compose(first -> request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, null))
                        .compose(second -> stats(vertx).map(after -> {
                          MessagePage small = (MessagePage) first;
                          MessagePage all = (MessagePage) second;
                          ctx.verify(() -> {
                            assertEquals(3, small.items().size());
                            assertEquals(small.items().get(2).id(), small.nextCursor());
                            assertEquals(5, all.items().size());
                            assertNull(all.nextCursor());
                            assertEquals(appended.get(4), all.items().get(0));
                            assertEquals(1, l1(after, "messages", "hits") - l1(before, "messages", "hits"));
                            assertEquals(1, l1(after, "messages", "misses") - l1(before, "messages", "misses"));
                          });
                          return null;
                        })))))
            .compose(v -> appendMany(vertx, user, s.id(), 1))
            .compose(added -> request(vertx, Addresses.MESSAGE_LIST, new ListMessages(user, s.id(), 10, null))
                .map(page -> {
                  ctx.verify(() -> {
                    assertEquals(6, ((MessagePage) page).items().size());
                    assertEquals(added.get(0), ((MessagePage) page).items().get(0));
                  });
                  return null;
                })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("set-agent changes the session; the next GET misses L1 and the one after hits it")
  void setAgentAndL1Hits(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, "blaze", null)
        .compose(s -> request(vertx, Addresses.SESSION_SET_AGENT, new SetSessionAgent(user, s.id(), "wave")))
        .compose(changed -> stats(vertx).compose(before -> {
          SessionView view = (SessionView) changed;
          SessionRef ref = new SessionRef(user, view.id());
          return request(vertx, Addresses.SESSION_GET, ref)
              .compose(first -> request(vertx, Addresses.SESSION_GET, ref))
              .compose(second -> stats(vertx).map(after -> {
                ctx.verify(() -> {
                  assertEquals("wave", view.agentId());
                  assertEquals(view, second);
                  assertEquals(1, l1(after, "sessions", "misses") - l1(before, "sessions", "misses"));
                  assertEquals(1, l1(after, "sessions", "hits") - l1(before, "sessions", "hits"));
                });
                return null;
              }));
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("stats count users, sessions and messages and report each cache layer")
  void statsShape(Vertx vertx, VertxTestContext ctx) {
    String user = userId();
    create(vertx, user, null, null).compose(s -> appendMany(vertx, user, s.id(), 1)).compose(v -> stats(vertx))
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          JsonObject counts = stats.getJsonObject("counts");
          assertTrue(counts.getLong("users") >= 1);
          assertTrue(counts.getLong("sessions") >= 1);
          assertTrue(counts.getLong("messages") >= 1);
          for (String cache : List.of("sessions", "messages")) {
            for (String layer : List.of("l1", "l2")) {
              JsonObject figures = stats.getJsonObject("caches").getJsonObject(cache).getJsonObject(layer);
              assertEquals(Set.of("hits", "misses", "hitRatio", "size"), figures.fieldNames());
            }
          }
          assertTrue(l1(stats, "sessions", "size") >= 1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("health reports postgres and redis UP")
  void healthUp(Vertx vertx, VertxTestContext ctx) {
    TestSupport.<HealthReport>request(vertx, Addresses.SESSION_HEALTH, io.genesis.common.bus.Messages.Empty.INSTANCE)
        .onComplete(ctx.succeeding(report -> ctx.verify(() -> {
          assertTrue(report.up(), report.toString());
          assertEquals("UP", report.checks().get("postgres"));
          assertEquals("UP", report.checks().get("redis"));
          ctx.completeNow();
        })));
  }
}
