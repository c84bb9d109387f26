package io.genesis.gateway.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.api.ApiLimits;
import io.genesis.common.api.ProfileRules;
import io.genesis.common.api.ProgressKinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document (what clients and generators see, and what the router validates against) and
 * {@link ApiLimits} (what the gateway's own checks use: WebSocket frames, the last chat message, query
 * parameters) state the same limits. Locations name parameters by name, not position.
 */
@DisplayName("API limits: the OpenAPI document agrees with ApiLimits")
class ApiLimitsDocumentTest {
  private static final String S = "components/schemas/";

  /** Every limit the gateway also checks in code, by its location in the document. */
  private static final Map<String, Integer> SHARED = new LinkedHashMap<>();

  static {
    SHARED.put("paths//api/v1/sessions/get/parameters/limit/schema/maximum", ApiLimits.PAGE_MAX);
    SHARED.put("paths//api/v1/sessions/get/parameters/cursor/schema/maxLength", ApiLimits.CURSOR_CHARS);
    SHARED.put("paths//api/v1/sessions/{sessionId}/messages/get/parameters/limit/schema/maximum", ApiLimits.PAGE_MAX);
    SHARED.put("paths//api/v1/admin/audit/get/parameters/limit/schema/maximum", ApiLimits.PAGE_MAX);
    SHARED.put("paths//api/v1/admin/audit/get/parameters/cursor/schema/maxLength", ApiLimits.CURSOR_CHARS);
    SHARED.put("paths//api/v1/admin/audit/get/parameters/action/schema/maxLength", ApiLimits.AUDIT_ACTION_CHARS);
    SHARED.put("paths//v1/models/{model}/parameters/model/schema/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put("components/parameters/agentId/schema/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put("components/headers/X-Request-Id/schema/maxLength", ApiLimits.REQUEST_ID_CHARS);
    SHARED.put(S + "DevTokenRequest/properties/userId/maxLength", ApiLimits.DEV_USER_ID_CHARS);
    SHARED.put(S + "DevTokenRequest/properties/roles/maxItems", ApiLimits.DEV_ROLES_MAX);
    SHARED.put(S + "DevTokenRequest/properties/roles/items/maxLength", ApiLimits.DEV_ROLE_CHARS);
    SHARED.put(S + "DevTokenRequest/properties/ttlSeconds/minimum", ApiLimits.DEV_TTL_MIN_SECONDS);
    SHARED.put(S + "DevTokenRequest/properties/ttlSeconds/maximum", ApiLimits.DEV_TTL_MAX_SECONDS);
    SHARED.put(S + "CreateSessionRequest/properties/agentId/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put(S + "CreateSessionRequest/properties/title/maxLength", ApiLimits.TITLE_CHARS);
    SHARED.put(S + "SendMessageRequest/properties/content/maxLength", ApiLimits.MESSAGE_CHARS);
    SHARED.put(S + "SendMessageRequest/properties/agentId/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put(S + "ChatCompletionRequest/properties/model/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put(S + "ChatMessage/properties/content/maxLength", ApiLimits.MESSAGE_CHARS);
    SHARED.put(S + "ChatContentPart/properties/text/maxLength", ApiLimits.MESSAGE_CHARS);
    SHARED.put(S + "WsClientFrame/oneOf/0/properties/requestId/maxLength", ApiLimits.REQUEST_ID_CHARS);
    SHARED.put(S + "WsClientFrame/oneOf/0/properties/content/maxLength", ApiLimits.MESSAGE_CHARS);
    SHARED.put(S + "WsClientFrame/oneOf/0/properties/agentId/maxLength", ApiLimits.AGENT_ID_CHARS);
    SHARED.put(S + "WsClientFrame/oneOf/1/properties/requestId/maxLength", ApiLimits.REQUEST_ID_CHARS);
    SHARED.put(S + "WsClientFrame/oneOf/2/properties/requestId/maxLength", ApiLimits.REQUEST_ID_CHARS);
    SHARED.put("components/parameters/Idempotency-Key/schema/maxLength", ApiLimits.IDEMPOTENCY_KEY_CHARS);
    SHARED.put("paths//api/v1/me/progress/get/parameters/limit/schema/maximum", ApiLimits.PAGE_MAX);
    SHARED.put("paths//api/v1/me/progress/get/parameters/cursor/schema/maxLength", ApiLimits.CURSOR_CHARS);
    SHARED.put(S + "Profile/properties/timezone/maxLength", ProfileRules.TIMEZONE_CHARS);
    SHARED.put(S + "ProfilePatch/properties/timezone/maxLength", ProfileRules.TIMEZONE_CHARS);
    SHARED.put(S + "Profile/properties/age/minimum", ProfileRules.AGE_MIN);
    SHARED.put(S + "Profile/properties/age/maximum", ProfileRules.AGE_MAX);
    SHARED.put(S + "ProgressRecordRequest/properties/exercise/maxLength", ProgressKinds.EXERCISE_CHARS);
  }

  /**
   * Lengths only the document states (the router enforces them; no code repeats the number). A new
   * {@code maxLength} must be added here or to {@link #SHARED}: a limit is never silently in two places.
   */
  private static final Set<String> DOCUMENT_ONLY = Set.of(
      "paths//api/v1/ws/get/parameters/token/schema/maxLength",
      "paths//api/v1/sessions/{sessionId}/messages/{messageId}/stream/get/parameters/Last-Event-ID/schema/maxLength",
      S + "ChatCompletionRequest/properties/stop/maxLength",
      S + "ChatCompletionRequest/properties/stop/items/maxLength",
      S + "ChatCompletionRequest/properties/user/maxLength");

  @Test
  @DisplayName("each limit the gateway checks in code has the same value in the document")
  void sharedLimitsAgree() throws IOException {
    Map<String, Number> limits = limits(document());
    List<String> disagreements = new ArrayList<>();
    SHARED.forEach((location, constant) -> {
      Number documented = limits.get(location);
      if (documented == null || documented.intValue() != constant) {
        disagreements.add(location + ": document " + documented + ", ApiLimits " + constant);
      }
    });
    assertEquals(List.of(), disagreements);
  }

  @Test
  @DisplayName("every maxLength of the document is either checked against ApiLimits or stated as the document's own")
  void everyLengthIsAccountedFor() throws IOException {
    List<String> unaccounted = new ArrayList<>();
    limits(document()).forEach((location, value) -> {
      boolean uuid = location.endsWith("/maxLength") && value.intValue() == 36;
      if (location.endsWith("/maxLength") && !uuid && !SHARED.containsKey(location) && !DOCUMENT_ONLY.contains(location)) {
        unaccounted.add(location + " = " + value);
      }
    });
    assertTrue(unaccounted.isEmpty(), "limits in the document that ApiLimits does not know: " + unaccounted);
  }

  private static JsonObject document() throws IOException {
    try (InputStream in = ApiLimitsDocumentTest.class.getClassLoader().getResourceAsStream("openapi.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Every maxLength, maxItems, minimum and maximum of the document, by location. */
  private static Map<String, Number> limits(JsonObject document) {
    Map<String, Number> found = new LinkedHashMap<>();
    walk(document, "", found);
    return found;
  }

  private static void walk(Object node, String at, Map<String, Number> found) {
    if (node instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object value = object.getValue(key);
        String here = at.isEmpty() ? key : at + "/" + key;
        if (Set.of("maxLength", "maxItems", "minimum", "maximum").contains(key) && value instanceof Number number) {
          found.put(here, number);
        } else {
          walk(value, here, found);
        }
      }
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        // Parameters by name: a parameter added before another does not move it.
        String name = at.endsWith("/parameters") && item instanceof JsonObject p && p.containsKey("name") ? p.getString("name")
            : Integer.toString(i);
        walk(item, at + "/" + name, found);
      }
    }
  }
}
