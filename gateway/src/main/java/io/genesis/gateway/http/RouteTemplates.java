package io.genesis.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The route template a request matched ({@code /api/v1/sessions/:sessionId}), never its raw path,
 * so logs and figures group by route. Usually the route that answered; a request answered by the
 * failure handler (a 404 for a session that is not the caller's, a 401) is matched against the
 * router's templates instead.
 */
public final class RouteTemplates {
  public static final String UNMATCHED = "unmatched";

  private final Router router;
  private volatile List<Template> templates;

  private record Template(String path, String[] segments, java.util.Set<HttpMethod> methods) {
    boolean matches(HttpMethod method, String[] request) {
      if (request.length != segments.length || (methods != null && !methods.isEmpty() && !methods.contains(method))) {
        return false;
      }
      for (int i = 0; i < segments.length; i++) {
        if (!segments[i].startsWith(":") ? !segments[i].equals(request[i]) : request[i].isEmpty()) {
          return false;
        }
      }
      return true;
    }
  }

  public RouteTemplates(Router router) {
    this.router = router;
  }

  public String of(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    if (current != null && current.getPath() != null && current.isExactPath()) {
      return current.getPath();
    }
    String[] request;
    try {
      request = ctx.normalizedPath().split("/", -1);
    } catch (IllegalArgumentException malformed) {
      return UNMATCHED; // a path that is not validly percent-encoded (GET /x%ZZ): no route can match it
    }
    for (Template template : templates()) {
      if (template.matches(ctx.request().method(), request)) {
        return template.path();
      }
    }
    return UNMATCHED;
  }

  /** Read once all routes are mounted (at the first request that needs them). */
  private List<Template> templates() {
    List<Template> known = templates;
    if (known == null) {
      known = router.getRoutes().stream()
          .filter(route -> route.getPath() != null && route.isExactPath())
          .map(route -> new Template(route.getPath(), route.getPath().split("/", -1), route.methods()))
          .toList();
      templates = known;
    }
    return known;
  }
}
