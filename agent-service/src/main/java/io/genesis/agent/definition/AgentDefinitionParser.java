package io.genesis.agent.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.genesis.agent.coach.calc.Calculators;
import io.genesis.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and checks one definition file. Every problem throws an {@link AgentDefinitionException} that
 * names the file and the field. Pure: no IO, callable on any thread.
 */
public final class AgentDefinitionParser {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final int MAX_TOKENS = 1_000_000;
  private static final String DEFAULT_HANDOFF_INTRO = "{from} passed you to me.";

  private final String source;

  private AgentDefinitionParser(String source) {
    this.source = source;
  }

  /** Parses {@code json}, the content of the file named {@code source}. */
  public static LoadedDefinition parse(String source, byte[] json) {
    return new AgentDefinitionParser(source).parse(json);
  }

  private LoadedDefinition parse(byte[] json) {
    JsonNode root = readTree(json);
    if (!root.isObject()) {
      throw fail(null, "must be a JSON object");
    }
    String id = requiredText(root, "id");
    if (!ID.matcher(id).matches()) {
      throw fail("id", "must be lower-case letters, digits or '-', starting with a letter (got '" + id + "')");
    }
    AgentDefinition definition = new AgentDefinition(
        id,
        requiredText(root, "name"),
        requiredText(root, "specialty"),
        requiredText(root, "description"),
        requiredText(root, "systemPrompt"),
        keywords(root.get("keywords")),
        optionalText(root, "model"),
        maxTokens(root.get("maxTokens")),
        handoffTargets(root.get("handoffTargets"), id),
        calculators(root.get("calculators")),
        voice(root.get("voice")));
    return new LoadedDefinition(source, definition, canonical(root));
  }

  private JsonNode readTree(byte[] json) {
    try {
      JsonNode root = Json.MAPPER.readTree(json);
      if (root == null || root.isMissingNode()) {
        throw fail(null, "is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw fail(null, "is not valid JSON (" + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (IOException e) {
      throw fail(null, "cannot be read (" + e.getMessage() + ")");
    }
  }

  private List<Keyword> keywords(JsonNode node) {
    if (node == null || node.isNull()) {
      throw fail("keywords", "is required");
    }
    if (!node.isObject() || node.isEmpty()) {
      throw fail("keywords", "must be a non-empty object of keyword to weight, e.g. {\"protein\": 3}");
    }
    List<Keyword> keywords = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String field = "keywords." + entry.getKey();
      String spec = entry.getKey().trim();
      if (spec.isEmpty() || spec.equals("*")) {
        throw fail(field, "keyword must not be blank");
      }
      JsonNode weight = entry.getValue();
      if (!weight.isInt() || weight.intValue() < Keyword.MIN_WEIGHT || weight.intValue() > Keyword.MAX_WEIGHT) {
        throw fail(field, "weight must be a whole number from " + Keyword.MIN_WEIGHT + " to " + Keyword.MAX_WEIGHT
            + " (got " + weight + ")");
      }
      keywords.add(Keyword.of(spec, weight.intValue()));
    }
    return keywords;
  }

  private Integer maxTokens(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isInt() || node.intValue() < 1 || node.intValue() > MAX_TOKENS) {
      throw fail("maxTokens", "must be a whole number from 1 to " + MAX_TOKENS + " or null (got " + node + ")");
    }
    return node.intValue();
  }

  private List<String> handoffTargets(JsonNode node, String id) {
    List<String> targets = optionalTextList(node, "handoffTargets");
    for (int i = 0; i < targets.size(); i++) {
      String target = targets.get(i);
      if (!ID.matcher(target).matches()) {
        throw fail("handoffTargets[" + i + "]", "'" + target + "' is not an agent id (lower case)");
      }
      if (target.equals(id)) {
        throw fail("handoffTargets[" + i + "]", "an agent cannot hand off to itself");
      }
    }
    return targets;
  }

  private List<String> calculators(JsonNode node) {
    List<String> names = optionalTextList(node, "calculators");
    for (int i = 0; i < names.size(); i++) {
      if (!Calculators.NAMES.contains(names.get(i))) {
        throw fail("calculators[" + i + "]", "unknown calculator '" + names.get(i) + "' (known: "
            + String.join(", ", Calculators.NAMES) + ")");
      }
    }
    return names;
  }

  private Voice voice(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw fail("voice", "is required: an object with greeting, openers, tips, signOffs");
    }
    String intro = optionalText(node, "handoffIntro", "voice.handoffIntro");
    return new Voice(
        requiredText(node, "greeting", "voice.greeting"),
        requiredTextList(node.get("openers"), "voice.openers"),
        requiredTextList(node.get("tips"), "voice.tips"),
        requiredTextList(node.get("signOffs"), "voice.signOffs"),
        intro == null ? DEFAULT_HANDOFF_INTRO : intro);
  }

  // ---- field helpers ----

  private String requiredText(JsonNode parent, String name) {
    return requiredText(parent, name, name);
  }

  private String requiredText(JsonNode parent, String name, String field) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw fail(field, "is required");
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw fail(field, "must be a non-blank string");
    }
    return node.textValue().trim();
  }

  private String optionalText(JsonNode parent, String name) {
    return optionalText(parent, name, name);
  }

  private String optionalText(JsonNode parent, String name, String field) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw fail(field, "must be a non-blank string or null");
    }
    return node.textValue().trim();
  }

  private List<String> requiredTextList(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw fail(field, "is required");
    }
    List<String> values = textList(node, field);
    if (values.isEmpty()) {
      throw fail(field, "must not be empty");
    }
    return values;
  }

  private List<String> optionalTextList(JsonNode node, String field) {
    return node == null || node.isNull() ? List.of() : textList(node, field);
  }

  private List<String> textList(JsonNode node, String field) {
    if (!node.isArray()) {
      throw fail(field, "must be an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw fail(field + "[" + i + "]", "must be a non-blank string");
      }
      values.add(item.textValue().trim());
    }
    return values;
  }

  private static String canonical(JsonNode root) {
    try {
      return Json.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always serializes", e);
    }
  }

  private AgentDefinitionException fail(String field, String problem) {
    return new AgentDefinitionException(source, field, problem);
  }
}
