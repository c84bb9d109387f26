package io.genesis.gateway.api;

import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.EraseResult;
import io.genesis.common.bus.Messages.EraseUser;
import io.genesis.common.bus.Messages.ExportPage;
import io.genesis.common.bus.Messages.ExportKeysRequest;
import io.genesis.common.bus.Messages.ExportPageRequest;
import io.genesis.common.bus.Messages.ExportedKeys;
import io.genesis.common.bus.Messages.GetProfile;
import io.genesis.common.bus.Messages.ListProgress;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.ProgressPage;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's own data (GDPR): {@code GET /api/v1/me/export} streams everything stored about them as
 * one JSON document (sessions and messages, idempotency keys, the coaching profile, progress records), page by page
 * from the session service; {@code DELETE /api/v1/me} erases it.
 */
public final class MeRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MeRoutes.class);
  /** An erasure runs in short batches; a user with very many rows may take longer than a usual request. */
  static final long ERASE_TIMEOUT_MILLIS = 120_000;
  static final String ERASE_PATH = "/api/v1/me";
  /** Progress records per page of the export. */
  static final int EXPORT_RECORDS = 100;

  private final ServiceClient services;
  private final EventBus bus;

  public MeRoutes(ServiceClient services, EventBus bus) {
    this.services = services;
    this.bus = bus;
  }

  public void mount(Router router) {
    router.get("/api/v1/me/export").handler(this::export);
    router.delete(ERASE_PATH).handler(this::erase);
  }

  private void erase(RoutingContext ctx) {
    String raw = ctx.request().path();
    if (!ERASE_PATH.equals(raw) && !(ERASE_PATH + "/").equals(raw)) {
      // Reached through dot segments or escapes ("/api/v1/me/progress/%2e%2e" normalizes to this path): erasing
      // everything is only for a request that names it as such.
      ctx.fail(404);
      return;
    }
    String userId = Caller.of(ctx).userId();
    services.timed(RequestObserver.timings(ctx)).<EraseResult>request(Addresses.USER_ERASE, new EraseUser(userId), ERASE_TIMEOUT_MILLIS)
        // The session service records the erasure in the audit trail itself.
        .onSuccess(erased -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The first page decides the status (a failure is a plain problem answer); after it, the document is
   * written as pages arrive, each next page asked for only once the client has taken the last one.
   */
  private void export(RoutingContext ctx) {
    String userId = Caller.of(ctx).userId();
    ServiceClient client = services.timed(RequestObserver.timings(ctx));
    Future<ExportedKeys> keys = client.request(Addresses.USER_EXPORT_KEYS, new ExportKeysRequest(userId));
    Future<ExportPage> firstPage = client.request(Addresses.USER_EXPORT_PAGE, new ExportPageRequest(userId, null));
    Future<Profile> profile = client.request(Addresses.PROFILE_GET, new GetProfile(userId));
    Future.all(keys, firstPage, profile).map(all -> firstPage.result())
        .onSuccess(first -> {
          HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
              .putHeader(HttpHeaders.CONTENT_TYPE, Responses.APPLICATION_JSON)
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"genesis-export-" + fileSafe(userId) + ".json\"");
          response.write(ExportDocument.start(userId, Instant.now()));
          write(client, response, userId, new ExportDocument(keys.result(), profile.result()), first);
        })
        .onFailure(ctx::fail);
  }

  private void write(ServiceClient client, HttpServerResponse response, String userId, ExportDocument document,
                     ExportPage page) {
    if (response.closed()) {
      return;
    }
    response.write(document.page(page));
    if (page.nextCursor() == null) {
      response.write(document.endSessions());
      progress(client, response, userId, document, null);
    } else if (response.writeQueueFull()) {
      response.drainHandler(drained -> next(client, response, userId, document, page.nextCursor()));
    } else {
      next(client, response, userId, document, page.nextCursor());
    }
  }

  private void next(ServiceClient client, HttpServerResponse response, String userId, ExportDocument document,
                    String cursor) {
    response.drainHandler(null);
    if (response.closed()) {
      return;
    }
    client.<ExportPage>request(Addresses.USER_EXPORT_PAGE, new ExportPageRequest(userId, cursor))
        .onSuccess(page -> write(client, response, userId, document, page))
        .onFailure(failure -> {
          // The status is sent: only a broken connection tells the client the document is incomplete.
          LOG.warn("export cut short: {}", failure.getMessage());
          response.reset();
        });
  }

  /** The progress records after the sessions, a page at a time, each asked for once the client took the last. */
  private void progress(ServiceClient client, HttpServerResponse response, String userId, ExportDocument document,
                        String cursor) {
    response.drainHandler(null);
    if (response.closed()) {
      return;
    }
    client.<ProgressPage>request(Addresses.PROGRESS_LIST, new ListProgress(userId, null, null, null, EXPORT_RECORDS, cursor))
        .onSuccess(page -> {
          if (response.closed()) {
            return;
          }
          response.write(document.progress(page));
          if (page.nextCursor() == null) {
            response.end(document.end());
          } else if (response.writeQueueFull()) {
            response.drainHandler(drained -> progress(client, response, userId, document, page.nextCursor()));
          } else {
            progress(client, response, userId, document, page.nextCursor());
          }
        })
        .onFailure(failure -> {
          LOG.warn("export cut short: {}", failure.getMessage());
          response.reset();
        });
  }

  /** The user id as it may appear in a file name: letters, digits, '.', '-', '_' (others become '_'). */
  static String fileSafe(String userId) {
    String safe = userId.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.length() > 64 ? safe.substring(0, 64) : safe;
  }
}
