package io.genesis.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.gateway.idempotency.IdempotencyKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a message's first request with an idempotency key, kept with the key (encrypted) for
 * its retries: the handoffs and the calculator calls (the stored messages hold the rest), and the failure
 * when it failed. {@code {"handoffs":[…],"tools":[…],"problem":{"status","detail","retryAfterSeconds"}}}
 * ({@code tools} only when there were some).
 */
final class Outcomes {
  private Outcomes() {}

  static String of(List<Handoff> handoffs, List<ToolUse> tools, ServiceException error) {
    ObjectNode outcome = Json.MAPPER.createObjectNode();
    outcome.set("handoffs", Json.MAPPER.valueToTree(handoffs));
    if (!tools.isEmpty()) {
      outcome.set("tools", Json.MAPPER.valueToTree(tools));
    }
    if (error != null) {
      outcome.set("problem", IdempotencyKeys.problem(error));
    }
    return Json.toString(outcome);
  }

  static List<Handoff> handoffs(String outcome) {
    List<Handoff> handoffs = new ArrayList<>();
    if (outcome != null) {
      Json.fromString(outcome, JsonNode.class).path("handoffs")
          .forEach(node -> handoffs.add(Json.MAPPER.convertValue(node, Handoff.class)));
    }
    return handoffs;
  }

  /** The calculator calls of the first request's reply (an upstream model's tool calls), in order. */
  static List<ToolUse> tools(String outcome) {
    List<ToolUse> tools = new ArrayList<>();
    if (outcome != null) {
      Json.fromString(outcome, JsonNode.class).path("tools")
          .forEach(node -> tools.add(Json.MAPPER.convertValue(node, ToolUse.class)));
    }
    return tools;
  }

  /** The first request's failure, or null when it did not fail. */
  static ServiceException problem(String outcome) {
    if (outcome == null) {
      return null;
    }
    JsonNode problem = Json.fromString(outcome, JsonNode.class).path("problem");
    return problem.isMissingNode() ? null : IdempotencyKeys.failure(problem);
  }
}
