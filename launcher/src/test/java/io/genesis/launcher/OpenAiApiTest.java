package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.ReplyEvent;
import io.genesis.common.bus.Messages.StreamControl;
import io.genesis.gateway.auth.Tokens;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The OpenAI-compatible API under /v1, over HTTP and through the official OpenAI Java SDK")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiApiTest {
  private static final Set<String> AGENTS = Set.of("blaze", "sage", "stella", "nova", "aura", "wave", "volt");
  private static final String MACROS = "male, 30 years old, 80kg, 180cm, moderately active, want to lose fat: my macros?";

  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private String userId;
  private String token;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    userId = "openai-" + UUID.randomUUID();
    token = http.token(userId);
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private static JsonObject userMessage(String content) {
    return new JsonObject().put("role", "user").put("content", content);
  }

  private static JsonObject chat(String model, String content) {
    return new JsonObject().put("model", model).put("messages", new JsonArray().add(userMessage(content)));
  }

  private HttpResponse<Buffer> complete(JsonObject body) {
    return http.post("/v1/chat/completions", token, body);
  }

  private static JsonObject assertCompletion(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    return response.bodyAsJsonObject();
  }

  private static String content(JsonObject completion) {
    return completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
  }

  /** The {@code data:} payloads of an event stream, in order (comments and blank lines dropped). */
  private static List<String> dataLines(String body) {
    return body.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
  }

  /** Asserts an error in OpenAI's shape: status, type, and (when not null) code and param. */
  private static JsonObject assertOpenAiError(HttpResponse<Buffer> response, int status, String type, String code, String param) {
    assertEquals(status, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    assertNotNull(response.getHeader("X-Request-Id"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, response::bodyAsString);
    assertEquals(Set.of("message", "type", "param", "code"), error.fieldNames(), "every field, null or not");
    assertFalse(error.getString("message").isBlank());
    assertEquals(type, error.getString("type"), response::bodyAsString);
    if (code != null) {
      assertEquals(code, error.getString("code"), response::bodyAsString);
    }
    if (param != null) {
      assertEquals(param, error.getString("param"), response::bodyAsString);
    }
    return error;
  }

  @Nested
  @DisplayName("GET /v1/models")
  class Models {
    @Test
    @DisplayName("lists the seven agents as models owned by genesis")
    void list() {
      HttpResponse<Buffer> response = http.get("/v1/models", token);
      assertEquals(200, response.statusCode(), response::bodyAsString);
      JsonObject list = response.bodyAsJsonObject();
      assertEquals("list", list.getString("object"));
      Set<String> ids = new HashSet<>();
      for (Object item : list.getJsonArray("data")) {
        JsonObject model = (JsonObject) item;
        ids.add(model.getString("id"));
        assertEquals("model", model.getString("object"));
        assertEquals("genesis", model.getString("owned_by"));
        assertTrue(model.getLong("created") > 0);
      }
      assertEquals(AGENTS, ids);
      assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    @Test
    @DisplayName("gets one model in any case; an unknown one is OpenAI's 404 model_not_found")
    void one() {
      HttpResponse<Buffer> sage = http.get("/v1/models/SAGE", token);
      assertEquals(200, sage.statusCode(), sage::bodyAsString);
      assertEquals("sage", sage.bodyAsJsonObject().getString("id"));
      assertEquals("model", sage.bodyAsJsonObject().getString("object"));
      assertOpenAiError(http.get("/v1/models/gpt-4o", token), 404, "invalid_request_error", "model_not_found", "model");
    }
  }

  @Nested
  @DisplayName("POST /v1/chat/completions with stream false")
  class Completions {
    @Test
    @DisplayName("answers a chat.completion from the named agent, with real numbers and usage")
    void completes() {
      JsonObject completion = assertCompletion(complete(chat("Sage", MACROS)));
      assertTrue(completion.getString("id").startsWith("chatcmpl-"), completion::encode);
      assertEquals("chat.completion", completion.getString("object"));
      assertEquals("sage", completion.getString("model"));
      assertTrue(Math.abs(completion.getLong("created") - System.currentTimeMillis() / 1000) < 60);
      JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
      assertEquals(0, choice.getInteger("index"));
      assertEquals("stop", choice.getString("finish_reason"));
      assertEquals("assistant", choice.getJsonObject("message").getString("role"));
      assertTrue(content(completion).contains("BMR 1,780 kcal"), completion::encode);
      JsonObject usage = completion.getJsonObject("usage");
      assertTrue(usage.getInteger("prompt_tokens") > 0 && usage.getInteger("completion_tokens") > 0, usage::encode);
      assertEquals(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"), usage.getInteger("total_tokens"));
    }

    @Test
    @DisplayName("answers the last user message with the earlier ones as history, in every OpenAI message form")
    void history() {
      JsonObject alone = assertCompletion(complete(chat("sage", MACROS)));
      JsonArray conversation = new JsonArray()
          .add(new JsonObject().put("role", "system").put("content", "Answer briefly."))
          .add(new JsonObject().put("role", "developer").put("content", new JsonArray()
              .add(new JsonObject().put("type", "text").put("text", "The user trains five days a week."))))
          .add(userMessage("I am cutting for a competition in spring and track everything I eat."))
          .add(new JsonObject().put("role", "assistant").put("content", "Great, send me your numbers."))
          .add(new JsonObject().put("role", "assistant").put("content", null))
          .add(new JsonObject().put("role", "tool").put("content", "scale: 80 kg this morning").put("tool_call_id", "call_1"))
          .add(new JsonObject().put("role", "user").put("content", new JsonArray()
              .add(new JsonObject().put("type", "text").put("text", MACROS))));
      JsonObject withHistory = assertCompletion(complete(new JsonObject().put("model", "sage").put("messages", conversation)));
      assertTrue(content(withHistory).contains("BMR 1,780 kcal"), "the last message is the one answered");
      int promptAlone = alone.getJsonObject("usage").getInteger("prompt_tokens");
      int promptWithHistory = withHistory.getJsonObject("usage").getInteger("prompt_tokens");
      assertTrue(promptWithHistory > promptAlone + 20,
          () -> "the earlier messages reach the agent as history: " + promptAlone + " vs " + promptWithHistory);
    }

    @Test
    @DisplayName("accepts OpenAI's common options and ignores them; stores nothing in sessions")
    void ignoresOptionsAndStoresNothing() {
      JsonObject body = chat("blaze", "How should I warm up before heavy squats?")
          .put("temperature", 0.2).put("top_p", 0.9).put("max_tokens", 500).put("max_completion_tokens", 500)
          .put("n", 1).put("user", "end-user-7").put("stop", new JsonArray().add("###")).put("seed", 42)
          .put("response_format", new JsonObject().put("type", "text")).put("presence_penalty", 0)
          .put("logprobs", false).put("store", false).put("metadata", new JsonObject().put("k", "v"))
          .put("stream", false).put("stream_options", null);
      JsonObject completion = assertCompletion(complete(body));
      assertEquals("blaze", completion.getString("model"));
      assertFalse(content(completion).isBlank());
      JsonObject sessions = http.get("/api/v1/sessions", token).bodyAsJsonObject();
      assertEquals(0, sessions.getJsonArray("items").size(), "stateless: no session was created");
    }
  }

  @Nested
  @DisplayName("POST /v1/chat/completions with stream true")
  class Streaming {
    @Test
    @DisplayName("streams chunks: role first, then content, then stop, then usage, then [DONE]")
    void streamsWithUsage() {
      JsonObject body = chat("sage", MACROS).put("stream", true)
          .put("stream_options", new JsonObject().put("include_usage", true));
      HttpResponse<Buffer> response = http.send(HttpMethod.POST, "/v1/chat/completions", token, body.toBuffer(),
          Map.of("Content-Type", "application/json", "Accept-Encoding", "gzip, br"));
      assertEquals(200, response.statusCode(), response::bodyAsString);
      assertTrue(response.getHeader("Content-Type").startsWith("text/event-stream"));
      assertEquals("no", response.getHeader("X-Accel-Buffering"));
      assertNull(response.getHeader("Content-Encoding"), "never compressed");
      List<String> data = dataLines(response.bodyAsString());
      assertEquals("[DONE]", data.get(data.size() - 1), "[DONE] comes last");
      List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
      assertTrue(chunks.size() >= 5, () -> "several content chunks: " + data);
      Set<String> ids = chunks.stream().map(c -> c.getString("id")).collect(Collectors.toSet());
      assertEquals(1, ids.size(), "one id for the whole stream");
      assertTrue(ids.iterator().next().startsWith("chatcmpl-"));
      chunks.forEach(c -> {
        assertEquals("chat.completion.chunk", c.getString("object"));
        assertEquals("sage", c.getString("model"));
      });
      JsonObject first = chunks.get(0).getJsonArray("choices").getJsonObject(0);
      assertEquals(new JsonObject().put("role", "assistant").put("content", ""), first.getJsonObject("delta"));
      assertNull(first.getString("finish_reason"));
      JsonObject usageChunk = chunks.get(chunks.size() - 1);
      assertEquals(0, usageChunk.getJsonArray("choices").size());
      JsonObject usage = usageChunk.getJsonObject("usage");
      assertTrue(usage.getInteger("completion_tokens") > 0);
      JsonObject last = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
      assertEquals("stop", last.getString("finish_reason"));
      assertEquals(new JsonObject(), last.getJsonObject("delta"));
      StringBuilder text = new StringBuilder();
      for (JsonObject chunk : chunks.subList(1, chunks.size() - 2)) {
        JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
        assertNull(choice.getString("finish_reason"));
        assertNull(choice.getJsonObject("delta").getString("role"));
        text.append(choice.getJsonObject("delta").getString("content"));
      }
      String whole = assertCompletion(complete(chat("sage", MACROS))).getJsonArray("choices").getJsonObject(0)
          .getJsonObject("message").getString("content");
      assertEquals(whole, text.toString(), "the deltas add up to the reply");
      assertTrue(text.toString().contains("BMR 1,780 kcal"));
    }

    @Test
    @DisplayName("sends no usage chunk unless asked for")
    void noUsageUnlessAsked() {
      HttpResponse<Buffer> response = complete(chat("wave", "How can I sleep better after late workouts?").put("stream", true));
      assertEquals(200, response.statusCode(), response::bodyAsString);
      List<String> data = dataLines(response.bodyAsString());
      assertEquals("[DONE]", data.get(data.size() - 1));
      JsonObject last = new JsonObject(data.get(data.size() - 2));
      assertEquals("stop", last.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
      assertTrue(data.subList(0, data.size() - 1).stream().map(JsonObject::new).noneMatch(c -> c.containsKey("usage")));
    }

    @Test
    @DisplayName("an unknown model is refused before the stream starts: a 404 JSON error, not an event")
    void refusedBeforeStreaming() {
      assertOpenAiError(complete(chat("gpt-4o", "hi").put("stream", true)), 404, "invalid_request_error", "model_not_found", "model");
    }
  }

  @Nested
  @DisplayName("errors under /v1 take OpenAI's shape")
  class Errors {
    @Test
    @DisplayName("a token without the user or admin role: 403 permission_error")
    void forbidden() {
      String guest = new Tokens(clientVertx, TestApp.SECRET).issue("guest-1", List.of("guest"), 600).token();
      assertOpenAiError(http.post("/v1/chat/completions", guest, chat("sage", "hi")), 403, "permission_error", null, null);
    }

    @Test
    @DisplayName("no token, a garbled one or a foreign-signed one: 401 authentication_error")
    void unauthenticated() {
      assertOpenAiError(http.post("/v1/chat/completions", null, chat("sage", "hi")), 401, "authentication_error", "invalid_api_key", null);
      assertOpenAiError(http.get("/v1/models", "not.a.jwt"), 401, "authentication_error", "invalid_api_key", null);
      String foreign = new Tokens(clientVertx, "another-secret-another-secret-another-secret")
          .issue("u1", List.of("user"), 600).token();
      HttpResponse<Buffer> response = http.get("/v1/models", foreign);
      assertOpenAiError(response, 401, "authentication_error", null, null);
      assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
    }

    @Test
    @DisplayName("a bad body is a 400 invalid_request_error naming the param")
    void badBodies() {
      assertOpenAiError(complete(new JsonObject().put("model", "sage")), 400, "invalid_request_error",
          "missing_required_parameter", "messages");
      assertOpenAiError(complete(new JsonObject().put("model", "sage").put("messages", new JsonArray()
          .add(new JsonObject().put("role", "robot").put("content", "hi")))), 400, "invalid_request_error", "invalid_value",
          "messages[0].role");
      assertOpenAiError(complete(new JsonObject().put("model", "sage").put("messages", new JsonArray()
          .add(userMessage("hi")).add(new JsonObject().put("role", "assistant").put("content", "hello")))), 400,
          "invalid_request_error", null, "messages[1].role");
      assertOpenAiError(complete(chat("sage", "   ")), 400, "invalid_request_error", null, "messages[0].content");
      assertOpenAiError(complete(chat("sage", "hi").put("n", 2)), 400, "invalid_request_error", null, "n");
      assertOpenAiError(complete(chat("sage", "hi").put("temperature", 3)), 400, "invalid_request_error", null, "temperature");
      assertOpenAiError(complete(chat("sage", "hi").put("response_format", new JsonObject().put("type", "json_object"))), 400,
          "invalid_request_error", null, "response_format.type");
      assertOpenAiError(complete(new JsonObject().put("model", "sage").put("messages", new JsonArray().add(new JsonObject()
          .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "image_url")))))), 400,
          "invalid_request_error", null, "messages[0].content[0].text");
      JsonObject malformed = assertOpenAiError(http.send(HttpMethod.POST, "/v1/chat/completions", token, Buffer.buffer("{nope"),
          Map.of("Content-Type", "application/json")), 400, "invalid_request_error", null, null);
      assertNull(malformed.getString("param"), "the body as a whole: no param");
    }

    @Test
    @DisplayName("415 for another content type, 413 for a body over the limit, 405 with Allow, 404 for no such route")
    void protocolErrors() {
      assertOpenAiError(http.send(HttpMethod.POST, "/v1/chat/completions", token, Buffer.buffer("model=sage"),
          Map.of("Content-Type", "application/x-www-form-urlencoded")), 415, "invalid_request_error", null, null);
      assertOpenAiError(complete(chat("sage", "x".repeat(70_000))), 413, "invalid_request_error", null, null);
      HttpResponse<Buffer> get = http.get("/v1/chat/completions", token);
      assertOpenAiError(get, 405, "invalid_request_error", null, null);
      assertEquals("POST", get.getHeader("Allow"));
      assertOpenAiError(http.get("/v1/embeddings", token), 404, "not_found_error", null, null);
    }

    @Test
    @DisplayName("everything outside /v1 keeps problem+json")
    void problemsElsewhere() {
      HttpResponse<Buffer> response = http.get("/api/v1/agents/gpt-4o", token);
      assertEquals(404, response.statusCode());
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      assertEquals(401, http.get("/api/v1/agents", null).bodyAsJsonObject().getInteger("status"));
    }
  }

  @Test
  @DisplayName("a client that disconnects mid-stream cancels the reply: the agent stops and ends it partial")
  void disconnectCancels(@TempDir Path slowDataDir) {
    // A slow coach (one token every 50 ms) keeps the reply going long after the client leaves.
    try (Genesis slow = TestApp.start(slowDataDir, Map.of("GENESIS_OFFLINE_TOKEN_DELAY_MS", "50"))) {
      Promise<StreamControl> cancelled = Promise.promise();
      Promise<ReplyEvent> ended = Promise.promise();
      slow.vertx().eventBus().addOutboundInterceptor(delivery -> {
        if (delivery.body() instanceof StreamControl control && Messages.CONTROL_CANCEL.equals(control.type())) {
          cancelled.tryComplete(control);
        } else if (delivery.body() instanceof ReplyEvent event && Messages.EVENT_END.equals(event.type())) {
          ended.tryComplete(event);
        }
        delivery.next();
      });
      String slowToken = new Http(clientVertx, slow.httpPort()).token(userId);
      HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(slow.httpPort()));
      Promise<String> firstContent = Promise.promise();
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
          .putHeader("Authorization", "Bearer " + slowToken).putHeader("Content-Type", "application/json");
      client.request(options).compose(request -> request.send(chat("sage", MACROS).put("stream", true).toBuffer()).map(response -> {
        response.handler(chunk -> {
          if (chunk.toString().contains("\"content\":\"") && !chunk.toString().contains("\"content\":\"\"")) {
            firstContent.tryComplete(chunk.toString());
            request.connection().close();
          }
        });
        return response;
      })).onFailure(firstContent::tryFail);
      Await.result(firstContent.future(), Duration.ofSeconds(10));
      StreamControl cancel = Await.result(cancelled.future(), Duration.ofSeconds(10));
      ReplyEvent end = Await.result(ended.future(), Duration.ofSeconds(10));
      assertEquals(cancel.streamId(), end.streamId());
      assertTrue(end.partial(), "ended partial, before the whole reply");
      assertFalse(end.result().text().contains("BMR 1,780 kcal") && end.result().text().length() > 400,
          () -> "stopped early: " + end.result().text());
      Await.result(client.close(), Duration.ofSeconds(5));
    }
  }

  @Nested
  @DisplayName("the official OpenAI Java SDK, unchanged, against the gateway")
  class OfficialSdk {
    /** The SDK is blocking (OkHttp): these run on the JUnit thread, never on an event loop. */
    private OpenAIClient client(String apiKey) {
      return OpenAIOkHttpClient.builder()
          .baseUrl("http://127.0.0.1:" + genesis.httpPort() + "/v1")
          .apiKey(apiKey)
          .maxRetries(0)
          .responseValidation(true)
          .build();
    }

    @Test
    @DisplayName("models().list() and retrieve() see the agents")
    void models() {
      OpenAIClient client = client(token);
      try {
        List<Model> models = client.models().list().data();
        assertEquals(AGENTS, models.stream().map(Model::id).collect(Collectors.toSet()));
        assertTrue(models.stream().allMatch(m -> m.ownedBy().equals("genesis")));
        assertEquals("volt", client.models().retrieve("VOLT").id());
      } finally {
        client.close();
      }
    }

    @Test
    @DisplayName("chat().completions().create(...) answers from the agent, with usage")
    void create() {
      OpenAIClient client = client(token);
      try {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("sage")
            .addSystemMessage("You are talking to a beginner.")
            .addUserMessage(MACROS)
            .temperature(0.7)
            .maxCompletionTokens(400)
            .build());
        assertEquals("sage", completion.model());
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertTrue(choice.message().content().orElseThrow().contains("BMR 1,780 kcal"));
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0);
      } finally {
        client.close();
      }
    }

    @Test
    @DisplayName("chat().completions().createStreaming(...) streams deltas that add up to the reply, then usage")
    void createStreaming() {
      OpenAIClient client = client(token);
      List<ChatCompletionChunk> chunks = new ArrayList<>();
      try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
          .model("Aura")
          .addUserMessage("I feel stressed before big meetings, what can I do?")
          .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
          .build())) {
        stream.stream().forEach(chunks::add);
      } finally {
        client.close();
      }
      String text = chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
          .collect(Collectors.joining());
      assertFalse(text.isBlank());
      assertTrue(chunks.stream().allMatch(c -> c.model().equals("aura")));
      assertTrue(chunks.stream().flatMap(c -> c.choices().stream())
          .anyMatch(c -> c.finishReason().map(r -> r.equals(ChatCompletionChunk.Choice.FinishReason.STOP)).orElse(false)));
      assertTrue(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens() > 0);
    }

    @Test
    @DisplayName("an unknown model raises NotFoundException, a bad token UnauthorizedException, a bad body BadRequestException")
    void exceptions() {
      OpenAIClient client = client(token);
      OpenAIClient stranger = client("not-a-token");
      try {
        NotFoundException notFound = assertThrows(NotFoundException.class, () -> client.chat().completions()
            .create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build()));
        assertEquals(404, notFound.statusCode());
        assertEquals("model_not_found", notFound.code().orElseThrow());
        assertThrows(NotFoundException.class, () -> client.models().retrieve("gpt-4o"));
        UnauthorizedException unauthorized = assertThrows(UnauthorizedException.class, () -> stranger.models().list());
        assertEquals("authentication_error", unauthorized.type().orElseThrow());
        BadRequestException bad = assertThrows(BadRequestException.class, () -> client.chat().completions()
            .create(ChatCompletionCreateParams.builder().model("sage").addAssistantMessage("hello").build()));
        assertEquals("messages[0].role", bad.param().orElseThrow());
        assertNotEquals("", bad.getMessage());
      } finally {
        client.close();
        stranger.close();
      }
    }
  }
}
