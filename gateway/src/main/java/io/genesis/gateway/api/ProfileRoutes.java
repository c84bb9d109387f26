package io.genesis.gateway.api;

import io.genesis.common.api.ProfileRules;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.GetProfile;
import io.genesis.common.bus.Messages.PatchProfile;
import io.genesis.common.bus.Messages.Profile;
import io.genesis.common.bus.Messages.PutProfile;
import io.genesis.common.error.Problem.FieldError;
import io.genesis.common.json.Json;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.InvalidRequest;
import io.genesis.gateway.http.JsonBodies;
import io.genesis.gateway.http.RequestObserver;
import io.genesis.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's coaching profile: {@code GET}, {@code PUT} (the whole document) and {@code PATCH} (a JSON Merge
 * Patch, RFC 7396, {@code application/merge-patch+json}: a field given a value is set, a field given null removed,
 * a field left out kept). The OpenAPI document checked the types and ranges; {@link ProfileRules} the rest (the
 * time zone). Stored metric; every answer is the profile as stored.
 */
public final class ProfileRoutes {
  static final String PATH = "/api/v1/me/profile";

  private final ServiceClient services;

  public ProfileRoutes(ServiceClient services) {
    this.services = services;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::get);
    router.put(PATH).handler(this::put);
    router.patch(PATH).handler(this::patch);
  }

  private void get(RoutingContext ctx) {
    services.timed(RequestObserver.timings(ctx)).<Profile>request(Addresses.PROFILE_GET, new GetProfile(Caller.of(ctx).userId()))
        .onSuccess(profile -> Responses.json(ctx, 200, profile))
        .onFailure(ctx::fail);
  }

  private void put(RoutingContext ctx) {
    Profile profile = profileOf(JsonBodies.object(ctx), List.of());
    services.timed(RequestObserver.timings(ctx)).<Profile>request(Addresses.PROFILE_PUT, new PutProfile(Caller.of(ctx).userId(), profile))
        .onSuccess(stored -> Responses.json(ctx, 200, stored))
        .onFailure(ctx::fail);
  }

  private void patch(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    List<String> cleared = new ArrayList<>();
    body.forEach(entry -> {
      if (entry.getValue() == null) {
        cleared.add(entry.getKey());
      }
    });
    Profile set = profileOf(body, cleared);
    services.timed(RequestObserver.timings(ctx)).<Profile>request(Addresses.PROFILE_PATCH,
            new PatchProfile(Caller.of(ctx).userId(), set, List.copyOf(cleared)))
        .onSuccess(stored -> Responses.json(ctx, 200, stored))
        .onFailure(ctx::fail);
  }

  /** The document's known fields with a value (those in {@code nulls} left out), checked by {@link ProfileRules}. */
  static Profile profileOf(JsonObject body, List<String> nulls) {
    Map<String, Object> values = new HashMap<>();
    List<FieldError> errors = new ArrayList<>();
    for (String field : Profile.FIELDS) {
      if (body.getValue(field) != null && !nulls.contains(field)) {
        values.put(field, body.getValue(field));
      }
    }
    for (String field : body.fieldNames()) {
      if (!Profile.FIELDS.contains(field)) {
        errors.add(new FieldError(field, "is not a profile field"));
      }
    }
    Profile profile;
    try {
      profile = Json.MAPPER.convertValue(values, Profile.class);
    } catch (IllegalArgumentException e) {
      throw InvalidRequest.of("body", "is not a valid profile");
    }
    errors.addAll(ProfileRules.check(profile));
    if (!errors.isEmpty()) {
      throw new InvalidRequest(errors);
    }
    return profile;
  }
}
