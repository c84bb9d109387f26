package io.genesis.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests: each call waits for the answer on the test thread. */
final class Http {
  private final WebClient client;

  Http(Vertx vertx, int port) {
    this(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** With options of the caller's, e.g. HTTPS. */
  Http(Vertx vertx, WebClientOptions options) {
    this.client = WebClient.create(vertx, options);
  }

  HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null, Map.of());
  }

  HttpResponse<Buffer> delete(String path, String token) {
    return send(HttpMethod.DELETE, path, token, null, Map.of());
  }

  HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return send(HttpMethod.POST, path, token, body == null ? null : body.toBuffer(), Map.of("Content-Type", "application/json"));
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String token, Buffer body, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    headers.forEach(request::putHeader);
    Future<HttpResponse<Buffer>> response = body == null ? request.send() : request.sendBuffer(body);
    return Await.result(response, Duration.ofSeconds(30));
  }

  /** Creates a session with {@code agentId} (may be null) and answers its id. */
  String newSession(String token, String agentId) {
    HttpResponse<Buffer> created = post("/api/v1/sessions", token, new JsonObject().put("agentId", agentId));
    if (created.statusCode() != 201) {
      throw new AssertionError("create session answered " + created.statusCode() + ": " + created.bodyAsString());
    }
    return created.bodyAsJsonObject().getString("id");
  }

  /** The first page of a session's messages, newest first. */
  JsonArray messages(String token, String sessionId) {
    return get("/api/v1/sessions/" + sessionId + "/messages", token).bodyAsJsonObject().getJsonArray("items");
  }

  String token(String userId) {
    HttpResponse<Buffer> response = post("/api/v1/auth/dev-token", null, new JsonObject().put("userId", userId));
    if (response.statusCode() != 200) {
      throw new IllegalStateException("dev-token answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("token");
  }
}
