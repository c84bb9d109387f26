package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.agent.TestAgents;
import io.genesis.agent.coach.calc.Facts;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.model.ModelRequest;
import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.bus.Messages.Profile;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  private static final AgentDefinition SAGE = TestAgents.builtIn().find("sage").orElseThrow();

  @Test
  @DisplayName("history is trimmed to the newest turns that fit; the system prompt and the message always go")
  void trims() {
    List<ChatTurn> history = List.of(turn(0, "user", 40), turn(1, "assistant", 40), turn(2, "user", 40), turn(3, "assistant", 40));
    int fixed = ChatRequest.tokens(SAGE.systemPrompt()) + ChatRequest.tokens("hi");
    List<ChatTurn> sent = ChatRequest.messages(new ModelRequest(SAGE, "hi", null, null, history), fixed + 40 + 40 + 39);
    assertEquals(List.of(new ChatTurn("system", SAGE.systemPrompt()), history.get(2), history.get(3),
        new ChatTurn("user", "hi")), sent);
  }

  @Test
  @DisplayName("a budget smaller than the system prompt still sends the system prompt and the message")
  void tinyBudget() {
    List<ChatTurn> sent = ChatRequest.messages(new ModelRequest(SAGE, "hi", null, null, List.of(turn(0, "user", 4))), 1);
    assertEquals(List.of("system", "user"), sent.stream().map(ChatTurn::role).toList());
    assertEquals("hi", sent.get(1).content());
  }

  @Test
  @DisplayName("a handoff adds a line naming the agent handed off from, and why")
  void handoff() {
    ModelRequest request = new ModelRequest(SAGE, "hi", new Handoff("blaze", "sage", "nutrition question"), "BLAZE", List.of());
    assertEquals(SAGE.systemPrompt() + "\n\nBLAZE handed this conversation over to you (nutrition question).",
        ChatRequest.messages(request, 3_000).get(0).content());
  }

  @Test
  @DisplayName("the person's profile goes into the system prompt, for the model to use instead of asking; none without one")
  void profile() {
    Profile profile = new Profile(30, "male", 180.0, 80.5, "moderate", "lose_fat", "imperial", null);
    ModelRequest request = ModelRequest.of(SAGE, "how many calories should I eat?")
        .withFacts(new Facts(profile, List.of()));
    assertEquals(SAGE.systemPrompt() + "\n\nThe person's profile (use these figures instead of asking for them): age 30, "
        + "sex male, height 180 cm, weight 80.5 kg, activity moderate, goal lose_fat, units imperial (show lb and ft/in).",
        ChatRequest.messages(request, 3_000).get(0).content());
    assertEquals(SAGE.systemPrompt(), ChatRequest.messages(ModelRequest.of(SAGE, "hi"), 3_000).get(0).content());
  }

  @Test
  @DisplayName("the body asks for a stream with usage, for the given model, bounded by max_tokens")
  void body() {
    JsonObject body = ChatRequest.body(ModelRequest.of(SAGE, "hi"), "llama3", 3_000, 256);
    assertEquals(256, body.getInteger("max_tokens"));
    assertEquals("llama3", body.getString("model"));
    assertEquals(true, body.getBoolean("stream"));
    assertEquals(true, body.getJsonObject("stream_options").getBoolean("include_usage"));
    assertEquals(2, body.getJsonArray("messages").size());
  }

  /** Turn {@code n} (0..9), of exactly {@code tokens} estimated tokens. */
  private static ChatTurn turn(int n, String role, int tokens) {
    return new ChatTurn(role, n + "x".repeat(tokens * 4 - 1));
  }
}
