package io.genesis.gateway.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The quick check never calls valid what the JSON Schema validator refuses, on every schema of the contract it covers. */
class QuickCheckTest {
  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    contract = OpenApi.load(vertx).toCompletionStage().toCompletableFuture().get().contract();
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  @DisplayName("the message route's body and the session id have a quick check, which passes a usual request")
  void hotRoute() {
    Operation send = contract.operation("sendMessage");
    QuickCheck body = quick(bodySchema(send.getRequestBody().getContent().get("application/json")));
    assertNotNull(body);
    assertTrue(body.certainlyValid(new JsonObject().put("content", "How much protein per meal?")));
    assertTrue(body.certainlyValid(new JsonObject().put("content", "hi").put("agentId", "sage")));
    assertTrue(body.certainlyValid(new JsonObject().put("content", "hi").putNull("agentId")));
    assertFalse(body.certainlyValid(new JsonObject().put("content", " \u00a0")));
    assertFalse(body.certainlyValid(new JsonObject().put("content", "hi").put("extra", 1)));
    Parameter sessionId = send.getParameters().stream().filter(p -> p.getName().equals("sessionId")).findFirst().orElseThrow();
    QuickCheck id = quick(sessionId.getOpenAPIModel().getJsonObject("schema"));
    assertNotNull(id);
    assertTrue(id.certainlyValid(UUID.randomUUID().toString()));
    assertFalse(id.certainlyValid(UUID.randomUUID().toString().toUpperCase()));
  }

  @Test
  @DisplayName("on every parameter and body schema, a value the quick check passes is valid for the validator")
  void neverMoreLenient() {
    List<Object> values = values();
    int covered = 0;
    int passed = 0;
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        JsonObject schema = parameter.getOpenAPIModel().getJsonObject("schema", new JsonObject());
        passed += assertNeverMoreLenient(schema, contract.getSchemaRepository().validator(parameter.getSchema()), values);
        covered += quick(schema) == null ? 0 : 1;
      }
      MediaType json = operation.getRequestBody() == null ? null : operation.getRequestBody().getContent().get("application/json");
      if (json != null) {
        passed += assertNeverMoreLenient(bodySchema(json), contract.getSchemaRepository().validator(json.getSchema()), values);
        covered += quick(bodySchema(json)) == null ? 0 : 1;
      }
    }
    assertTrue(covered > 2, "schemas covered: " + covered);
    assertTrue(passed > 20, "values passed: " + passed);
  }

  @Test
  @DisplayName("keywords it does not know leave a schema without quick check")
  void unknownKeywords() {
    assertEquals(null, QuickCheck.of(new JsonObject().put("type", "integer")));
    assertEquals(null, QuickCheck.of(new JsonObject().put("type", "string").put("pattern", "^a")));
    assertEquals(null, QuickCheck.of(new JsonObject().put("type", "string").put("format", "email")));
    assertEquals(null, QuickCheck.of(new JsonObject().put("type", "string").put("enum", new JsonArray().add("a"))));
    assertEquals(null, QuickCheck.of(new JsonObject().put("$ref", "#/components/schemas/X")));
    assertEquals(null, QuickCheck.of(new JsonObject().put("type", "object").put("additionalProperties", new JsonObject())));
  }

  private static QuickCheck quick(JsonObject schema) {
    return QuickCheck.of(contract.getSchemaRepository(), schema);
  }

  private static JsonObject bodySchema(MediaType json) {
    return json.getOpenAPIModel().getJsonObject("schema", new JsonObject());
  }

  private static int assertNeverMoreLenient(JsonObject schema, Validator validator, List<Object> values) {
    QuickCheck quick = quick(schema);
    if (quick == null) {
      return 0;
    }
    int passed = 0;
    for (Object value : values) {
      if (quick.certainlyValid(value)) {
        passed++;
        assertTrue(validator.validate(value).getValid(), () -> schema.encode() + " and " + value);
      }
    }
    return passed;
  }

  /** Strings of every length and blankness, UUIDs of every spelling, objects built from them. */
  private static List<Object> values() {
    List<Object> strings = new ArrayList<>(List.of("", " ", "a", "\t\n", "\u00a0", "\u2003", "\u3000", "\ufeff",
        "\u0085", "\u200b", "\u2028", " x ", "\ud83d\ude00", "\ud83d", "é", "sage", "SAGE", "null",
        UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase(), "01a24e7a-0c83-763d-a76e-96ac4b619df6",
        "urn:uuid:" + UUID.randomUUID(), "01a24e7a-0c83-763d-a76e-96ac4b619df", "01a24e7a0c83763da76e96ac4b619df6xxxx",
        "g1a24e7a-0c83-763d-a76e-96ac4b619df6", "x".repeat(64), "x".repeat(65), "\ud83d\ude00".repeat(64),
        "x".repeat(32000), "x".repeat(32001), "\ud83d\ude00".repeat(16000), "\ud83d\ude00".repeat(16001), " ".repeat(5000)));
    Random random = new Random(8);
    for (int i = 0; i < 30; i++) {
      strings.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    List<Object> values = new ArrayList<>(strings);
    values.addAll(List.of(true, false, 0, 1, 2.5, -1L, new JsonArray(), new JsonArray().add("a")));
    values.add(null);
    for (Object content : strings) {
      values.add(new JsonObject().put("content", content));
      values.add(new JsonObject().put("content", content).put("agentId", "sage"));
      values.add(new JsonObject().put("agentId", content).put("content", "hello"));
      values.add(new JsonObject().put("name", content));
      values.add(new JsonObject().put("title", content).put("agentId", content));
    }
    values.addAll(List.of(new JsonObject(), new JsonObject().put("content", "hi").putNull("agentId"),
        new JsonObject().put("content", 5), new JsonObject().put("content", "hi").put("x", 1),
        new JsonObject().putNull("content"), new JsonObject().put("content", new JsonObject())));
    return values;
  }
}
