package io.genesis.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The door over real HTTP: a router with the admission in front of a route the test holds open, so
 * "in flight" is a fact of the test, not a matter of timing.
 */
@DisplayName("Admission: past the concurrency limit a request gets 503 + Retry-After at once; admitted ones succeed")
class AdmissionTest {
  private static final String HELD = "/api/v1/held";
  private static final String QUICK = "/api/v1/quick";
  private static final String SOCKET = "/api/v1/ws";
  private static final long MAX_BODY = 1_000;

  private Vertx vertx;
  private WebClient client;
  private Promise<Void> release;
  private Promise<Void> arrived = Promise.promise();
  private volatile int expected = -1;
  private int inHandler;
  /** The adaptive limiter's clock, moved by the test only. */
  private final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    release = Promise.promise();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private int serve(Admission admission) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(admission);
    router.get("/health/live").handler(ctx -> ctx.end("live"));
    router.get(HELD).handler(ctx -> {
      release.future().onSuccess(released -> ctx.end("held"));
      if (++inHandler == expected) {
        inHandler = 0;
        arrived.tryComplete();
      }
    });
    router.get(QUICK).handler(ctx -> ctx.end("quick"));
    router.route().failureHandler(Problems::handleFailure);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()),
        new PoolOptions().setHttp1MaxSize(2 * Admission.MAX_IN_FLIGHT));
    return server.actualPort();
  }

  private static Admission limitOfOne() {
    return new Admission(SimpleLimiter.newBuilder().limit(FixedLimit.of(1)).build(), null, SOCKET, MAX_BODY);
  }

  @Test
  @DisplayName("a limit of 1 and one request held: the next gets 503 problem+json with Retry-After, keeping its connection; once the first is answered, requests succeed again")
  void refusedBeyondTheLimitThenAdmitted() {
    serve(limitOfOne());
    Future<HttpResponse<Buffer>> held = client.get(HELD).send();
    HttpResponse<Buffer> refused = await(waitUntilRefused());
    assertEquals(503, refused.statusCode());
    assertEquals("1", refused.getHeader("Retry-After"));
    assertEquals("application/problem+json", refused.getHeader("Content-Type"));
    JsonObject problem = refused.bodyAsJsonObject();
    assertEquals(503, problem.getInteger("status"));
    assertTrue(problem.getString("detail").startsWith("the server is busy; retry in a moment"), problem.encode());
    assertEquals(QUICK, problem.getString("instance"));
    assertEquals(null, refused.getHeader("Connection"), "a refused GET (no body) keeps its connection");

    release.complete();
    assertEquals(200, await(held).statusCode());
    HttpResponse<Buffer> after = await(client.get(QUICK).send());
    assertEquals(200, after.statusCode());
    assertEquals("quick", after.bodyAsString());
  }

  @Test
  @DisplayName("a refused POST with a small body keeps its connection; one declaring more than the body limit is closed")
  void refusedSmallBodyKeepsTheConnection() {
    serve(limitOfOne());
    Future<HttpResponse<Buffer>> held = client.get(HELD).send();
    await(waitUntilRefused());
    HttpResponse<Buffer> small = await(client.post(QUICK).sendJsonObject(new JsonObject().put("content", "hello")));
    assertEquals(503, small.statusCode());
    assertEquals(null, small.getHeader("Connection"));
    HttpResponse<Buffer> large = await(client.post(QUICK).sendBuffer(Buffer.buffer("x".repeat((int) MAX_BODY + 1))));
    assertEquals(503, large.statusCode());
    assertEquals("close", large.getHeader("Connection"));
    release.complete();
    assertEquals(200, await(held).statusCode());
  }

  @Test
  @DisplayName("health and streams are not counted: they pass while the limit is used up")
  void healthAndStreamsExempt() {
    serve(limitOfOne());
    Future<HttpResponse<Buffer>> held = client.get(HELD).send();
    await(waitUntilRefused());
    assertEquals(200, await(client.get("/health/live").send()).statusCode());
    assertEquals(200, await(client.get(QUICK).putHeader("Accept", "text/event-stream").send()).statusCode());
    release.complete();
    assertEquals(200, await(held).statusCode());
  }

  @Test
  @DisplayName("adaptive: slower answers than the budget shrink the limit to its minimum, where one more in flight is refused; fast answers that use it grow it again")
  void adaptiveLimit() {
    Admission admission = Admission.adaptive(SOCKET, MAX_BODY, nanos::get);
    serve(admission);
    assertEquals(Admission.MAX_IN_FLIGHT, admission.limit());
    for (int round = 0; round < 100 && admission.limit() > Admission.MIN_IN_FLIGHT; round++) {
      // Five requests held while the limiter's clock moves past the budget; every second round closes a window of ten.
      List<Future<HttpResponse<Buffer>>> held = holdInFlight(5);
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(Admission.LATENCY_BUDGET_MILLIS + 10));
      release.complete();
      held.forEach(answer -> assertEquals(200, await(answer).statusCode()));
    }
    assertEquals(Admission.MIN_IN_FLIGHT, admission.limit());
    List<Future<HttpResponse<Buffer>>> full = holdInFlight(Admission.MIN_IN_FLIGHT);
    assertEquals(503, await(client.get(QUICK).send()).statusCode());
    release.complete();
    full.forEach(answer -> assertEquals(200, await(answer).statusCode()));
    for (int round = 0; round < 20; round++) {
      // More than half the limit in flight, each answered in 1 ms; every second round closes a window.
      List<Future<HttpResponse<Buffer>>> held = holdInFlight(Admission.MIN_IN_FLIGHT - 1);
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
      release.complete();
      held.forEach(answer -> assertEquals(200, await(answer).statusCode()));
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
    }
    assertTrue(admission.limit() > Admission.MIN_IN_FLIGHT, "grown to " + admission.limit());
  }

  /** Sends {@code count} requests to HELD and returns once all of them are in the handler (admitted, unanswered). */
  private List<Future<HttpResponse<Buffer>>> holdInFlight(int count) {
    release = Promise.promise();
    arrived = Promise.promise();
    expected = count;
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(client.get(HELD).send());
    }
    await(arrived.future());
    return sent;
  }

  /** Sends QUICK until it is refused: the held request(s) reach the door before it, but not in a known order. */
  private Future<HttpResponse<Buffer>> waitUntilRefused() {
    return client.get(QUICK).send().compose(response -> response.statusCode() == 503
        ? Future.succeededFuture(response) : waitUntilRefused());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
