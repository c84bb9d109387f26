package io.genesis.gateway.api;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.api.ProgressKinds;
import io.genesis.common.api.ProgressKinds.Kind;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.AddProgress;
import io.genesis.common.bus.Messages.Empty;
import io.genesis.common.bus.Messages.ListProgress;
import io.genesis.common.bus.Messages.ProgressPage;
import io.genesis.common.bus.Messages.ProgressRef;
import io.genesis.common.bus.Messages.ProgressView;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.TreeSet;

/**
 * The caller's progress records: {@code POST /api/v1/me/progress} stores one (the value converted to its kind's
 * metric unit, see {@link ProgressKinds}), {@code GET} pages them newest first ({@code kind}, {@code from},
 * {@code to}, {@code limit}, {@code cursor}), {@code DELETE …/{id}} removes one; another user's record is 404.
 */
public final class ProgressRoutes {
  static final String PATH = "/api/v1/me/progress";
  /** A record may be dated a little ahead (a client's clock, a time zone): not more. */
  static final Duration FUTURE_SLACK = Duration.ofDays(1);

  private final ServiceClient services;

  public ProgressRoutes(ServiceClient services) {
    this.services = services;
  }

  public void mount(Router router) {
    router.post(PATH).handler(this::add);
    router.get(PATH).handler(this::list);
    router.delete(PATH + "/:recordId").handler(this::delete);
  }

  private void add(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    Fields fields = new Fields();
    Kind kind = ProgressKinds.byName(body.getString("kind")).orElse(null);
    if (kind == null) {
      fields.reject("kind", "must be one of " + String.join(", ", ProgressKinds.NAMES));
    }
    Double value = body.getValue("value") instanceof Number number ? number.doubleValue() : null;
    if (value == null) {
      fields.reject("value", "must be a number");
    }
    String unit = body.getValue("unit") instanceof String text ? text : null;
    String exercise = fields.optionalString(body, "exercise", ProgressKinds.EXERCISE_CHARS);
    Instant at = instant(fields, "at", body.getValue("at") instanceof String text ? text : null);
    if (at != null && at.isAfter(Instant.now().plus(FUTURE_SLACK))) {
      fields.reject("at", "must not be in the future");
    }
    Double canonical = null;
    if (kind != null) {
      canonical = kind.toCanonical(value == null ? 0 : value, unit).orElse(null);
      if (canonical == null) {
        fields.reject("unit", "must be one of " + String.join(", ", new TreeSet<>(kind.units().keySet())) + " for " + kind.name());
      } else if (value != null && (canonical < kind.min() || canonical > kind.max())) {
        fields.reject("value", "must be between " + fmt(kind.min()) + " and " + fmt(kind.max()) + " " + kind.unit()
            + " for " + kind.name());
      }
      boolean named = exercise != null && !exercise.isBlank();
      if (kind.needsExercise() && !named) {
        fields.reject("exercise", "is required for " + kind.name());
      } else if (!kind.needsExercise() && exercise != null) {
        fields.reject("exercise", "is only for lift_1rm");
      }
    }
    fields.check();
    AddProgress add = new AddProgress(Caller.of(ctx).userId(), kind.name(), canonical, at, exercise == null ? null : exercise.strip());
    services.timed(RequestObserver.timings(ctx)).<ProgressView>request(Addresses.PROGRESS_ADD, add)
        .onSuccess(record -> {
          ctx.response().putHeader("Location", PATH + "/" + record.id());
          Responses.json(ctx, 201, record);
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Fields fields = new Fields();
    String kind = fields.queryString(ctx, "kind", 32);
    if (kind != null && ProgressKinds.byName(kind).isEmpty()) {
      fields.reject("kind", "must be one of " + String.join(", ", ProgressKinds.NAMES));
    }
    Instant from = instant(fields, "from", ctx.request().getParam("from"));
    Instant to = instant(fields, "to", ctx.request().getParam("to"));
    int limit = fields.queryInt(ctx, "limit", 1, ApiLimits.PAGE_MAX, SessionRoutes.DEFAULT_PAGE);
    String cursor = fields.queryString(ctx, "cursor", ApiLimits.CURSOR_CHARS);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).<ProgressPage>request(Addresses.PROGRESS_LIST,
            new ListProgress(Caller.of(ctx).userId(), kind, from, to, limit, cursor))
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Fields fields = new Fields();
    String id = fields.uuid(ctx.pathParam("recordId"), "recordId", true);
    fields.check();
    services.timed(RequestObserver.timings(ctx)).<Empty>request(Addresses.PROGRESS_DELETE, new ProgressRef(Caller.of(ctx).userId(), id))
        .onSuccess(deleted -> Responses.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /** An RFC 3339 date-time (with an offset or Z), null when absent; anything else is reported. */
  private static Instant instant(Fields fields, String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      return fields.reject(name, "must be a date-time such as 2025-01-31T07:30:00Z");
    }
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
