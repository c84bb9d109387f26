package io.genesis.perf.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class FakeUpstreamTest {
  private static final FakeUpstreamOptions FAST = FakeUpstreamOptions.defaults().withTtftMillis(5).withTokensPerSecond(0).withTokens(5);

  private WebClient client;

  /** On the test thread: WebClientOptions' static initialiser reads a jar, which would block an event loop. */
  @BeforeEach
  void client(Vertx vertx) {
    client = WebClient.create(vertx);
  }

  @Test
  @DisplayName("stream false answers one chat.completion with the whole text and usage")
  void completion(Vertx vertx, VertxTestContext ctx) {
    FakeUpstream.start(vertx, FAST).compose(fake -> post(fake, new JsonObject().put("stream", false))
            .map(HttpResponse::bodyAsJsonObject))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertEquals("chat.completion", body.getString("object"));
          JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
          assertEquals(FakeUpstream.text(5), choice.getJsonObject("message").getString("content"));
          assertEquals("stop", choice.getString("finish_reason"));
          assertEquals(5, body.getJsonObject("usage").getInteger("completion_tokens"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("stream true answers role, content, stop and usage chunks, then data: [DONE] last")
  void stream(Vertx vertx, VertxTestContext ctx) {
    JsonObject request = new JsonObject().put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    FakeUpstream.start(vertx, FAST).compose(fake -> post(fake, request).map(response -> {
          assertEquals("text/event-stream", response.getHeader("Content-Type"));
          return response.bodyAsString();
        }))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertTrue(body.endsWith("data: [DONE]\n\n"), body);
          List<String> events = Arrays.stream(body.split("\n\n")).map(e -> e.substring("data: ".length())).toList();
          assertEquals(1 + 5 + 1 + 1 + 1, events.size(), body);
          assertEquals("assistant", delta(events.get(0)).getString("role"));
          StringBuilder text = new StringBuilder();
          events.subList(1, 6).forEach(e -> text.append(delta(e).getString("content")));
          assertEquals(FakeUpstream.text(5), text.toString());
          assertEquals("stop", new JsonObject(events.get(6)).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
          JsonObject usage = new JsonObject(events.get(7));
          assertEquals(new JsonArray(), usage.getJsonArray("choices"));
          assertEquals(5, usage.getJsonObject("usage").getInteger("completion_tokens"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the first K requests fail with 500, and the fake counts and keeps requests")
  void failFirst(Vertx vertx, VertxTestContext ctx) {
    FakeUpstream.start(vertx, FAST.withFailFirst(1)).compose(fake -> post(fake, new JsonObject().put("n", 1))
            .compose(first -> post(fake, new JsonObject().put("n", 2)).map(second -> {
              assertEquals(500, first.statusCode());
              assertEquals("server_error", first.bodyAsJsonObject().getJsonObject("error").getString("type"));
              assertEquals(200, second.statusCode());
              assertEquals(2, fake.requests().get());
              assertEquals(1, fake.completed().get());
              assertEquals(2, fake.lastRequest().getInteger("n"));
              return fake;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("GET /v1/models lists the fake model")
  void models(Vertx vertx, VertxTestContext ctx) {
    FakeUpstream.start(vertx, FAST)
        .compose(fake -> client.getAbs(fake.baseUrl() + "/models").as(BodyCodec.jsonObject()).send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals("list", response.body().getString("object"));
          assertEquals(FakeUpstream.MODEL, response.body().getJsonArray("data").getJsonObject(0).getString("id"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("fake-upstream options: durations, rates, and unknown options named")
  void args() {
    FakeUpstreamOptions o = FakeUpstreamArgs.parse(List.of("--port", "0", "--ttft", "1.5s", "--tokens-per-s", "20",
        "--tokens", "7", "--fail-rate", "0.25", "--hang-rate", "0.1", "--hang-after", "3"));
    assertEquals(new FakeUpstreamOptions("127.0.0.1", 0, 1500, 20, 7, 0, 0.25, 0.1, 3, 1), o);
    assertEquals(200, FakeUpstreamArgs.parse(List.of("--ttft", "200ms")).ttftMillis());
    assertEquals("unknown option '--nope'", assertThrows(IllegalArgumentException.class,
        () -> FakeUpstreamArgs.parse(List.of("--nope", "1"))).getMessage());
    assertEquals("--fail-rate must be between 0 and 1", assertThrows(IllegalArgumentException.class,
        () -> FakeUpstreamArgs.parse(List.of("--fail-rate", "2"))).getMessage());
    assertEquals("--tokens needs a value", assertThrows(IllegalArgumentException.class,
        () -> FakeUpstreamArgs.parse(List.of("--tokens"))).getMessage());
  }

  private Future<HttpResponse<Buffer>> post(FakeUpstream fake, JsonObject extra) {
    JsonObject body = new JsonObject().put("model", "m")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
        .mergeIn(extra);
    return client.postAbs(fake.baseUrl() + "/chat/completions").sendJsonObject(body);
  }

  private static JsonObject delta(String event) {
    return new JsonObject(event).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
  }
}
