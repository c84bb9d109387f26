package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("POST /v1/chat/completions refuses what GENESIS does not do: 400 unsupported_parameter, in OpenAI's shape")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiRefusalsTest {
  @TempDir
  static Path dataDir;

  private Genesis genesis;
  private Vertx clientVertx;
  private Http http;
  private String token;

  @BeforeAll
  void start() {
    genesis = TestApp.start(dataDir);
    clientVertx = Vertx.vertx();
    http = new Http(clientVertx, genesis.httpPort());
    token = http.token("refusals-" + UUID.randomUUID());
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
    genesis.close();
  }

  private static JsonObject chat() {
    return new JsonObject().put("model", "sage")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private static JsonObject tool() {
    return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "lookup")
        .put("parameters", new JsonObject().put("type", "object")));
  }

  /** Asserts OpenAI's 400 for an unsupported parameter naming {@code param}. */
  private void assertRefused(JsonObject body, String param) {
    HttpResponse<Buffer> response = http.post("/v1/chat/completions", token, body);
    assertEquals(400, response.statusCode(), response::bodyAsString);
    assertEquals("application/json", response.getHeader("Content-Type"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(Set.of("message", "type", "param", "code"), error.fieldNames());
    assertEquals("invalid_request_error", error.getString("type"));
    assertEquals("unsupported_parameter", error.getString("code"), response::bodyAsString);
    assertEquals(param, error.getString("param"));
    assertFalse(error.getString("message").isBlank());
  }

  @Test
  @DisplayName("a client's tools, tool_choice, functions and function_call")
  void tools() {
    assertRefused(chat().put("tools", new JsonArray().add(tool())), "tools");
    assertRefused(chat().put("tools", new JsonArray().add(tool())).put("tool_choice", "auto").put("stream", true), "tools");
    assertRefused(chat().put("tool_choice", "required"), "tool_choice");
    assertRefused(chat().put("tool_choice", new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "lookup"))), "tool_choice");
    assertRefused(chat().put("functions", new JsonArray().add(new JsonObject().put("name", "lookup"))), "functions");
    assertRefused(chat().put("function_call", "auto"), "function_call");
  }

  @Test
  @DisplayName("n over 1, stream or not")
  void choices() {
    assertRefused(chat().put("n", 2), "n");
    assertRefused(chat().put("n", 5).put("stream", true), "n");
  }

  @Test
  @DisplayName("audio: modalities with audio, or an audio field")
  void audio() {
    assertRefused(chat().put("modalities", new JsonArray().add("text").add("audio")), "modalities");
    assertRefused(chat().put("audio", new JsonObject().put("voice", "alloy").put("format", "wav")), "audio");
  }

  @Test
  @DisplayName("what asks for nothing passes: empty tools, tool_choice none, n 1, text modalities, null audio")
  void harmless() {
    HttpResponse<Buffer> response = http.post("/v1/chat/completions", token, chat().put("tools", new JsonArray())
        .put("tool_choice", "none").put("functions", null).put("function_call", "none").put("n", 1)
        .put("modalities", new JsonArray().add("text")).put("audio", null).put("parallel_tool_calls", true));
    assertEquals(200, response.statusCode(), response::bodyAsString);
  }

  @Test
  @DisplayName("the official OpenAI Java SDK raises BadRequestException with code unsupported_parameter for tools and n")
  void officialSdk() {
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + genesis.httpPort() + "/v1")
        .apiKey(token).maxRetries(0).build();
    try {
      BadRequestException tools = assertThrows(BadRequestException.class, () -> client.chat().completions()
          .create(ChatCompletionCreateParams.builder().model("sage").addUserMessage("hi")
              .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("lookup").build()).build())
              .build()));
      assertEquals(400, tools.statusCode());
      assertEquals("unsupported_parameter", tools.code().orElseThrow());
      assertEquals("tools", tools.param().orElseThrow());
      BadRequestException n = assertThrows(BadRequestException.class, () -> client.chat().completions()
          .create(ChatCompletionCreateParams.builder().model("sage").addUserMessage("hi").n(2).build()));
      assertEquals("n", n.param().orElseThrow());
      assertTrue(n.getMessage().contains("n must be 1"), n.getMessage());
    } finally {
      client.close();
    }
  }
}
