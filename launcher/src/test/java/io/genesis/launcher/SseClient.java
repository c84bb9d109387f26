package io.genesis.launcher;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/** Asynchronous steps of streaming tests: hang up mid-reply, then wait for the stored reply. */
final class SseClient {
  private final Vertx vertx;
  private final int port;
  private final WebClient web;

  SseClient(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.web = WebClient.create(vertx);
  }

  /** Sends {@code content} as SSE with {@code client} and closes the connection once {@code deltas} delta events came in. */
  Future<Integer> hangUpAfterDeltas(HttpClient client, String token, String sessionId, String content, int deltas) {
    Promise<Integer> hungUp = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/v1/sessions/" + sessionId + "/messages")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    client.request(options)
        .compose(request -> request.send(new JsonObject().put("content", content).toBuffer()))
        .onFailure(hungUp::tryFail)
        .onSuccess(response -> {
          StringBuilder body = new StringBuilder();
          response.handler(chunk -> {
            body.append(chunk.toString());
            int seen = SseEvents.parse(body.toString()).named("delta").size();
            if (seen >= deltas && hungUp.tryComplete(seen)) {
              response.request().connection().close();
            }
          });
        });
    return hungUp.future();
  }

  /**
   * The newest message of the session once it is an agent's. The reply of a hung-up stream is stored
   * after the client is gone, with nothing to tell it: polled, a bounded number of times, 20 ms apart.
   */
  Future<JsonObject> agentMessage(String token, String sessionId, int attempts) {
    return web.get(port, "127.0.0.1", "/api/v1/sessions/" + sessionId + "/messages")
        .bearerTokenAuthentication(token).send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("items"))
        .compose(items -> {
          JsonObject newest = items.isEmpty() ? null : items.getJsonObject(0);
          if (newest != null && "agent".equals(newest.getString("role"))) {
            return Future.succeededFuture(newest);
          }
          if (attempts == 0) {
            return Future.failedFuture(new AssertionError("no agent message stored: " + items.encode()));
          }
          Promise<JsonObject> later = Promise.promise();
          vertx.setTimer(20, t -> agentMessage(token, sessionId, attempts - 1).onComplete(later));
          return later.future();
        });
  }
}
