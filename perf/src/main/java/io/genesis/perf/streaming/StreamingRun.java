package io.genesis.perf.streaming;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Time to first token, measured as a client sees it: from sending the request to the first content
 * delta, and to the end of the stream. Against the gateway (SSE on a session's messages) or straight
 * against an OpenAI-compatible upstream (to subtract its own time to first token). Closed model:
 * {@code concurrency} workers, each sending its next request when its last one ended.
 */
public final class StreamingRun {
  /** A chunk with text: OpenAI-compatible servers send the role first, with empty content, before the first token. */
  private static final Pattern UPSTREAM_TEXT = Pattern.compile("\"content\":\"[^\"]");
  private static final Pattern GATEWAY_DELTA = Pattern.compile("event: delta");
  private final Vertx vertx;
  private final StreamingOptions options;
  private final HttpClient client;
  private final Histogram firstToken = new Histogram(60_000_000L, 3);
  private final Histogram whole = new Histogram(60_000_000L, 3);
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private long deadlineNanos;

  public StreamingRun(Vertx vertx, StreamingOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(options.concurrency() * 2));
  }

  /** Runs warm-up then the measured requests; completes with the summary. */
  public Future<JsonObject> run() {
    deadlineNanos = System.nanoTime() + options.maxSeconds() * 1_000_000_000L;
    return setUp().compose(targets -> workers(targets, options.warmup(), false)
        .compose(warm -> {
          firstToken.reset();
          whole.reset();
          errors.set(0);
          started.set(0);
          long begin = System.nanoTime();
          return workers(targets, options.requests(), true).map(done -> summary(System.nanoTime() - begin));
        }))
        .eventually(client::close);
  }

  /** One path per worker: a session of its own (gateway), or the completions route (upstream). */
  private Future<List<Target>> setUp() {
    if (!options.mode().equals("gateway")) {
      boolean upstream = options.mode().equals("upstream");
      List<Target> targets = new ArrayList<>();
      for (int i = 0; i < options.concurrency(); i++) {
        targets.add(upstream ? new Target(path("/v1/chat/completions"), null, upstreamBody())
            : new Target("/sse", null, new JsonObject().put("content", options.message()).toBuffer()));
      }
      return Future.succeededFuture(targets);
    }
    return call(HttpMethod.POST, "/api/v1/auth/dev-token", null, new JsonObject().put("userId", "perf-streaming"))
        .compose(tokenAnswer -> {
          String token = tokenAnswer.getString("token");
          List<Future<Target>> sessions = new ArrayList<>();
          for (int i = 0; i < options.concurrency(); i++) {
            sessions.add(call(HttpMethod.POST, "/api/v1/sessions", token, new JsonObject().put("agentId", options.agent()))
                .map(session -> new Target("/api/v1/sessions/" + session.getString("id") + "/messages", token,
                    new JsonObject().put("content", options.message()).toBuffer())));
          }
          return Future.all(sessions).map(all -> all.<Target>list());
        });
  }

  private Buffer upstreamBody() {
    return new JsonObject().put("model", options.model()).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", options.message())))
        .toBuffer();
  }

  private String path(String suffix) {
    String base = options.target().getPath() == null ? "" : options.target().getPath().replaceAll("/+$", "");
    return base.endsWith("/v1") && suffix.startsWith("/v1") ? base + suffix.substring(3) : base + suffix;
  }

  private Future<Void> workers(List<Target> targets, int count, boolean measured) {
    AtomicInteger left = new AtomicInteger(count);
    List<Future<Void>> all = new ArrayList<>();
    for (Target target : targets) {
      all.add(worker(target, left, measured));
    }
    return Future.all(all).mapEmpty();
  }

  private Future<Void> worker(Target target, AtomicInteger left, boolean measured) {
    if (left.getAndDecrement() <= 0 || System.nanoTime() > deadlineNanos) {
      return Future.succeededFuture();
    }
    started.incrementAndGet();
    return once(target, measured).recover(failure -> {
      errors.incrementAndGet();
      return Future.succeededFuture();
    }).compose(done -> worker(target, left, measured));
  }

  /** One streamed request: records time to the first content delta and to the end. */
  private Future<Void> once(Target target, boolean measured) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(options.target().getHost())
        .setPort(options.port()).setURI(target.path()).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    if (target.token() != null) {
      request.putHeader("Authorization", "Bearer " + target.token());
    }
    long begin = System.nanoTime();
    Promise<Void> done = Promise.promise();
    Pattern marker = options.mode().equals("upstream") ? UPSTREAM_TEXT : GATEWAY_DELTA;
    client.request(request).compose(req -> req.send(target.body())).onFailure(done::tryFail).onSuccess(response -> {
      if (response.statusCode() != 200) {
        response.body().onComplete(ignored -> done.tryFail("status " + response.statusCode()));
        return;
      }
      boolean[] seen = {false};
      response.handler(chunk -> {
        if (!seen[0] && marker.matcher(chunk.toString()).find()) {
          seen[0] = true;
          if (measured) {
            firstToken.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
          }
        }
      });
      response.exceptionHandler(done::tryFail);
      response.endHandler(end -> {
        if (!seen[0]) {
          done.tryFail("no delta");
          return;
        }
        if (measured) {
          whole.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
        }
        done.tryComplete();
      });
    });
    return done.future();
  }

  private Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost(options.target().getHost())
        .setPort(options.port()).setURI(path).putHeader("Content-Type", "application/json");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(request).compose(req -> req.send(body.toBuffer()))
        .compose(response -> response.body().compose(bytes -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(bytes.toJsonObject())
            : Future.failedFuture(method + " " + path + " answered " + response.statusCode() + ": " + bytes)));
  }

  private JsonObject summary(long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    return new JsonObject()
        .put("mode", options.mode()).put("target", options.target().toString())
        .put("requests", started.get()).put("errors", errors.get()).put("concurrency", options.concurrency())
        .put("seconds", Math.round(seconds * 100) / 100.0)
        .put("streamsPerSecond", Math.round(whole.getTotalCount() / seconds * 10) / 10.0)
        .put("firstTokenMillis", percentiles(firstToken))
        .put("wholeReplyMillis", percentiles(whole));
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject().put("count", h.getTotalCount())
        .put("p50", millis(h.getValueAtPercentile(50))).put("p90", millis(h.getValueAtPercentile(90)))
        .put("p99", millis(h.getValueAtPercentile(99))).put("max", millis(h.getMaxValue()));
  }

  private static double millis(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private record Target(String path, String token, Buffer body) {}
}
