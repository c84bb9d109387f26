package io.genesis.agent.model.upstream;

import io.genesis.agent.model.ModelRequest;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.Profile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * The streamed chat-completions request: the agent's system prompt (with a line on the handoff that
 * brought the user here), then the newest history turns that fit the context budget, then the user's
 * message, with the agent's {@code max_tokens}. Tokens are estimated at four characters each; the system prompt and the user's message
 * are always sent, whatever their size.
 */
final class ChatRequest {
  private ChatRequest() {}

  static JsonObject body(ModelRequest request, String model, int contextTokens, int maxTokens) {
    JsonArray messages = new JsonArray();
    messages(request, contextTokens).forEach(turn ->
        messages.add(new JsonObject().put("role", turn.role()).put("content", turn.content())));
    return new JsonObject().put("model", model).put("stream", true).put("max_tokens", maxTokens)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", messages);
  }

  static List<ChatTurn> messages(ModelRequest request, int contextTokens) {
    ChatTurn system = new ChatTurn("system", systemPrompt(request));
    ChatTurn user = new ChatTurn("user", request.userText());
    List<ChatTurn> turns = new ArrayList<>();
    turns.add(system);
    turns.addAll(newestThatFit(request.history(), contextTokens - tokens(system.content()) - tokens(user.content())));
    turns.add(user);
    return turns;
  }

  /**
   * What the person's profile says, for the model to use rather than ask again (and to pass to a calculator); empty
   * without one. Figures stated in the message itself are already laid over it.
   */
  static String profileLine(Profile profile) {
    if (profile == null || profile.isEmpty()) {
      return "";
    }
    List<String> known = new ArrayList<>();
    if (profile.age() != null) {
      known.add("age " + profile.age());
    }
    if (profile.sex() != null) {
      known.add("sex " + profile.sex());
    }
    if (profile.heightCm() != null) {
      known.add("height " + number(profile.heightCm()) + " cm");
    }
    if (profile.weightKg() != null) {
      known.add("weight " + number(profile.weightKg()) + " kg");
    }
    if (profile.activity() != null) {
      known.add("activity " + profile.activity());
    }
    if (profile.goal() != null) {
      known.add("goal " + profile.goal());
    }
    if (profile.units() != null) {
      known.add("units " + profile.units() + ("imperial".equals(profile.units()) ? " (show lb and ft/in)" : ""));
    }
    if (profile.timezone() != null) {
      known.add("time zone " + profile.timezone());
    }
    return "\n\nThe person's profile (use these figures instead of asking for them): " + String.join(", ", known) + ".";
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  static int tokens(String text) {
    return text == null ? 0 : (text.length() + 3) / 4;
  }

  private static List<ChatTurn> newestThatFit(List<ChatTurn> history, int budget) {
    LinkedList<ChatTurn> kept = new LinkedList<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      int cost = tokens(history.get(i).content());
      if (cost > budget) {
        break;
      }
      budget -= cost;
      kept.addFirst(history.get(i));
    }
    return kept;
  }

  private static String systemPrompt(ModelRequest request) {
    String prompt = (request.agent().systemPrompt() == null ? "" : request.agent().systemPrompt())
        + profileLine(request.facts().profile());
    Handoff handoff = request.handoff();
    if (handoff == null) {
      return prompt;
    }
    String from = request.handedOffFromName() != null ? request.handedOffFromName() : handoff.from();
    String reason = handoff.reason() == null || handoff.reason().isBlank() ? "" : " (" + handoff.reason() + ")";
    return prompt + "\n\n" + from + " handed this conversation over to you" + reason + ".";
  }
}
