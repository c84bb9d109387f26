package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.coach.OfflineCoach;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ModelRequest;
import io.genesis.agent.model.OfflineBackend;
import io.genesis.agent.model.ReplySink;
import io.genesis.common.error.ServiceException;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.fake.FakeUpstreamOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** An {@link UpstreamBackend} in front of perf's fake upstream, on a test event-loop context, and the helpers its tests share. */
@ExtendWith(VertxExtension.class)
abstract class UpstreamHarness {
  static final AgentDefinition BLAZE = TestAgents.builtIn().find("blaze").orElseThrow();
  static final ModelRequest HELLO = ModelRequest.of(BLAZE, "How do I squat deeper?");
  /** 5 ms to the first token, then as fast as possible. */
  static final FakeUpstreamOptions FAST = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(12);

  Vertx vertx;
  Context context;
  OfflineBackend offline;
  FakeUpstream fake;
  UpstreamBackend backend;
  final List<Closeable> blocking = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.offline = new OfflineBackend(vertx, new OfflineCoach(), 0);
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Closeable socket : blocking) {
      socket.close();
    }
  }

  Future<Void> start(FakeUpstreamOptions options, TestSettings settings) {
    return FakeUpstream.start(vertx, options).map(started -> {
      fake = started;
      backend = backendFor(started.baseUrl(), settings);
      return null;
    });
  }

  UpstreamBackend backendFor(String url, TestSettings settings) {
    return new UpstreamBackend(vertx, new UpstreamConfig(url, "sk-test", "test-model", settings.build(),
        new Backoff(20, 200)), offline);
  }

  /** Admits and streams on the test's event-loop context, as the agent verticle does. */
  Future<ModelAnswer> call(ModelRequest request, ReplySink sink) {
    return on(() -> backend.admit().stream(request, sink));
  }

  <T> Future<T> on(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException | AssertionError e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** The failure of {@code future}, as a success; a success becomes a failure. */
  static Future<Throwable> failure(Future<?> future) {
    return future.transform(ar -> ar.failed()
        ? Future.succeededFuture(ar.cause())
        : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result())));
  }

  /**
   * {@code error} has {@code status}, and {@code part} in its account: the log's for an upstream
   * failure (whose client detail is then the product phrase, with Retry-After), else its detail.
   */
  static void assertStatus(int status, String part, Throwable error) {
    ServiceException e = assertInstanceOf(ServiceException.class, error);
    assertEquals(status, e.status(), e.getMessage());
    String account = e instanceof UpstreamFailure.Logged logged ? logged.logged() : e.getMessage();
    assertTrue(account.contains(part), account);
    if (e instanceof UpstreamFailure.Logged) {
      assertEquals(UpstreamFailure.clientDetail(status), e.getMessage());
      assertTrue(e.retryAfterSeconds() >= 1, "Retry-After on " + status);
    }
  }
}
