package io.genesis.gateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.error.Problem;
import io.genesis.common.error.Problem.FieldError;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OpenAI's error shape for the routes under /v1")
class OpenAiErrorTest {
  @Test
  @DisplayName("covers /v1 and below only")
  void covers() {
    assertTrue(OpenAiError.covers("/v1/chat/completions"));
    assertTrue(OpenAiError.covers("/v1"));
    assertFalse(OpenAiError.covers("/v1models"));
    assertFalse(OpenAiError.covers("/api/v1/agents"));
    assertFalse(OpenAiError.covers(null));
  }

  @Test
  @DisplayName("the type follows the status, as OpenAI SDKs read it")
  void typeByStatus() {
    assertEquals("invalid_request_error", OpenAiError.type(400));
    assertEquals("invalid_request_error", OpenAiError.type(415));
    assertEquals("authentication_error", OpenAiError.type(401));
    assertEquals("permission_error", OpenAiError.type(403));
    assertEquals("not_found_error", OpenAiError.type(404));
    assertEquals("rate_limit_exceeded", OpenAiError.type(429));
    assertEquals("service_unavailable", OpenAiError.type(503));
    assertEquals("server_error", OpenAiError.type(500));
    assertEquals("server_error", OpenAiError.type(504));
  }

  @Test
  @DisplayName("a validation failure names its first field as param, and lists every field in the message")
  void validation() {
    Problem problem = Problem.validation(List.of(new FieldError("messages", "is required"), new FieldError("n", "must be 1")));
    OpenAiError.Detail error = OpenAiError.of(problem, null).error();
    assertEquals("messages", error.param());
    assertEquals("missing_required_parameter", error.code());
    assertEquals("messages: is required; n: must be 1", error.message());
    assertNull(OpenAiError.of(Problem.validation(List.of(new FieldError("body", "is not valid JSON"))), null).error().param());
  }

  @Test
  @DisplayName("a failure in the middle of a stream, and model_not_found, serialize with every field")
  void serialized() {
    assertEquals("{\"error\":{\"message\":\"the model timed out\",\"type\":\"server_error\",\"param\":null,\"code\":null}}",
        Json.toString(OpenAiError.of(new ServiceException(504, "the model timed out"))));
    OpenAiError notFound = OpenAiError.of(Problem.of(404, "x"), OpenAiException.modelNotFound("gpt-4o"));
    assertEquals("invalid_request_error", notFound.error().type());
    assertEquals("model_not_found", notFound.error().code());
    assertEquals("model", notFound.error().param());
  }
}
