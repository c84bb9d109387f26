package io.genesis.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** CORS for browsers on the origins named by {@code GENESIS_CORS_ORIGINS}; none when unset. */
public final class Cors {
  private Cors() {}

  public static Optional<CorsHandler> forOrigins(String csv) {
    if (csv == null || csv.isBlank()) {
      return Optional.empty();
    }
    List<String> origins = Arrays.stream(csv.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    return Optional.of(CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Accept", "Idempotency-Key", "X-Request-Id",
            "If-None-Match", "Last-Event-ID"))
        .exposedHeaders(Set.of("X-Request-Id", "ETag", "Location", "Retry-After", "RateLimit-Limit",
            "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Idempotent-Replayed"))
        .maxAgeSeconds(600));
  }
}
