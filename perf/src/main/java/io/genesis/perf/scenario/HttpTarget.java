package io.genesis.perf.scenario;

import io.genesis.perf.load.Workload.Iteration;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The server under test, over one Vert.x {@link HttpClient} with a large connection pool (an open
 * model needs a connection per request in flight; a request waiting for one is still timed from when
 * it was due); the requests built once ({@link #prepare}) go over {@link Connections} of the same size
 * instead. Every request is recorded by name with its outcome.
 */
public final class HttpTarget {
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  private static final CharSequence AUTHORIZATION = HttpHeaders.createOptimized("Authorization");
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence ACCEPT = HttpHeaders.createOptimized("Accept");
  private static final CharSequence CONNECTION = HttpHeaders.createOptimized("Connection");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private final HttpClientAgent client;
  /** The connections of the requests built once ({@link #prepare}), kept by perf; the client's pool serves the rest. */
  private final Connections connections;
  private final String host;
  private final boolean ssl;
  private final ClientTls tls;
  private final int port;
  private final long timeoutMillis;

  public HttpTarget(Vertx vertx, URI target, int connections, Duration timeout) {
    this(vertx, target, connections, timeout, ClientTls.DEFAULT);
  }

  /** {@code tls}: how an {@code https://} target's certificate is checked (HTTP/1.1 over TLS, as a load balancer would). */
  public HttpTarget(Vertx vertx, URI target, int connections, Duration timeout, ClientTls tls) {
    this.host = target.getHost().replace("[", "").replace("]", "");
    this.ssl = "https".equals(target.getScheme());
    this.tls = tls;
    this.port = target.getPort() > 0 ? target.getPort() : ssl ? 443 : 80;
    this.timeoutMillis = timeout.toMillis();
    HttpClientOptions options = new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true);
    this.client = vertx.createHttpClient(ssl ? tls.apply(options) : options, new PoolOptions().setHttp1MaxSize(connections));
    this.connections = new Connections(client, host, port, ssl, connections);
  }

  /** Whether the target is {@code https://}. */
  public boolean ssl() {
    return ssl;
  }

  /** WebSocket client options for this target: TLS as for HTTP when it is {@code https://}. */
  public WebSocketClientOptions webSocketOptions(WebSocketClientOptions options) {
    return ssl ? tls.apply(options) : options;
  }

  public HttpClient client() {
    return client;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /**
   * What came back: the status, the whole body (null when not kept), and whether a {@code Retry-After}
   * header came with a {@code 429} or {@code 503}.
   */
  public record Answer(int status, Buffer body, boolean retryAfter) {
    public JsonObject json() {
      return body.toJsonObject();
    }
  }

  public RequestOptions options(HttpMethod method, String uri, String token) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
        .setIdleTimeout(timeoutMillis);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return options;
  }

  /**
   * A request to send many times, built once (as wrk does): its headers are validated once into a
   * read-only map that every request shares instead of copying. {@code json}: it carries a JSON body.
   * Never change the options returned.
   */
  public RequestOptions prepare(HttpMethod method, String uri, String token, boolean json) {
    return prepared(method, uri, token, json ? JSON : null, json ? JSON : null);
  }

  /** A POST of a JSON message whose answer streams as Server-Sent Events, built once (see {@link #prepare}). */
  public RequestOptions prepareStream(String uri, String token) {
    return prepared(HttpMethod.POST, uri, token, JSON, EVENT_STREAM);
  }

  private RequestOptions prepared(HttpMethod method, String uri, String token, CharSequence contentType,
                                  CharSequence accept) {
    MultiMap headers = HttpHeaders.headers();
    if (token != null) {
      headers.add(AUTHORIZATION, HttpHeaders.createOptimized("Bearer " + token));
    }
    if (contentType != null) {
      headers.add(CONTENT_TYPE, contentType);
    }
    if (accept != null) {
      headers.add(ACCEPT, accept);
    }
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri).setIdleTimeout(timeoutMillis)
        .setHeaders(headers.copy(false));
  }

  /**
   * Sends one request timed from {@code startNanos} (the iteration's intended start for its first
   * request), records it as {@code name}, and completes with the answer; a status of 400 or more, a
   * timeout or a connection failure is recorded as an error and fails the future.
   */
  public Future<Answer> send(Iteration iteration, String name, long startNanos, HttpMethod method, String uri,
                             String token, Buffer body) {
    RequestOptions options = prepare(method, uri, token, body != null);
    Future<Answer> answered = client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> answer(response, bytes)));
    return recorded(iteration, name, startNanos, options, answered);
  }

  /**
   * The same for a request built once ({@link #prepare}), on a connection of its own ({@link Connections})
   * and without gathering the body (it is read to its end and dropped as it comes): the answer's body
   * is null, for callers that check only the status.
   */
  public Future<Answer> send(Iteration iteration, String name, long startNanos, RequestOptions prepared, Buffer body) {
    Future<Answer> answered = connections.acquire().compose(connection -> connection.request(prepared)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.end().map(end -> answer(response, null))
            .andThen(read -> connections.release(connection, read.succeeded() && !closes(response))))
        .onFailure(e -> connections.release(connection, false)));
    return recorded(iteration, name, startNanos, prepared, answered);
  }

  /** Records the outcome of {@code answered}; a status of 400 or more fails it. */
  private static Future<Answer> recorded(Iteration iteration, String name, long startNanos, RequestOptions options,
                                         Future<Answer> answered) {
    return answered.transform(outcome -> {
      long end = System.nanoTime();
      if (outcome.failed()) {
        iteration.recorder().request(name, iteration.stage(), startNanos, end, failureOf(outcome.cause()));
        return Future.failedFuture(outcome.cause());
      }
      Answer answer = outcome.result();
      boolean ok = answer.status() < 400;
      iteration.recorder().request(name, iteration.stage(), startNanos, end, ok ? null : String.valueOf(answer.status()));
      if ((answer.status() == 429 || answer.status() == 503) && !answer.retryAfter()) {
        iteration.recorder().withoutRetryAfter(name, iteration.stage(), startNanos);
      }
      return ok ? Future.succeededFuture(answer)
          : Future.failedFuture(options.getMethod() + " " + options.getURI() + " answered " + answer.status());
    });
  }

  /** Whether the server said it closes the connection after this answer. */
  private static boolean closes(HttpClientResponse response) {
    String connection = response.getHeader(CONNECTION);
    return connection != null && connection.equalsIgnoreCase("close");
  }

  /** Looks for {@code Retry-After} only on a refusal, the one answer where it matters. */
  private static Answer answer(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    return new Answer(status, body, (status == 429 || status == 503) && response.headers().contains(RETRY_AFTER));
  }

  /** For set-up: a JSON call that must succeed, not recorded. */
  public Future<JsonObject> call(HttpMethod method, String uri, String token, JsonObject body) {
    RequestOptions options = options(method, uri, token).putHeader("Accept", JSON);
    if (body != null) {
      options.putHeader("Content-Type", JSON);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().compose(bytes -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(bytes.length() == 0 ? new JsonObject() : bytes.toJsonObject())
            : Future.failedFuture(method + " " + uri + " answered " + response.statusCode() + ": " + bytes)));
  }

  static String failureOf(Throwable cause) {
    if (cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    return "connection";
  }

  public Future<Void> close() {
    return connections.close().transform(closed -> client.close());
  }
}
