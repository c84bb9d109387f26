package io.genesis.agent.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.common.bus.Messages.Handoff;
import io.genesis.common.error.ServiceException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AgentRouterTest {
  private final AgentRouter router = new AgentRouter(TestAgents.builtIn());

  @Test
  @DisplayName("the requested agent answers, whatever the text and the session agent, without handoff")
  void explicitAgent() {
    Route route = router.select("sage", "blaze", "I can't sleep at night, insomnia again");
    assertEquals("sage", route.agent().id());
    assertEquals(Route.Reason.REQUESTED, route.reason());
    assertTrue(route.handoffs().isEmpty());
  }

  @Test
  @DisplayName("agent ids match without regard to case")
  void caseInsensitiveIds() {
    assertEquals("nova", router.select("NoVa", null, "hello").agent().id());
    assertEquals("wave", router.select(null, "WAVE", "hello").agent().id());
  }

  @Test
  @DisplayName("an unknown requested agent is a 400 naming the field and the id")
  void unknownAgent() {
    ServiceException e = assertThrows(ServiceException.class, () -> router.select("zeus", null, "hello"));
    assertEquals(400, e.status());
    assertEquals("agentId: unknown agent 'zeus'", e.getMessage());
  }

  @Test
  @DisplayName("without a requested agent the session agent keeps the conversation on mixed or weak text")
  void sessionAgent() {
    Route route = router.select(null, "blaze", "should I eat before my squat workout?");
    assertEquals("blaze", route.agent().id());
    assertEquals(Route.Reason.SESSION, route.reason());
    assertNull(route.handoff());
  }

  @Test
  @DisplayName("with no agent named, the best keyword match answers")
  void keywordBestMatch() {
    assertEquals("sage", router.select(null, null, "How much protein and how many carbs per meal?").agent().id());
    assertEquals("blaze", router.select(null, null, "My deadlift and squat are stuck").agent().id());
    assertEquals("wave", router.select(null, null, "I keep waking up, my sleep is awful").agent().id());
    assertEquals("volt", router.select(null, null, "Training for a marathon, what pace?").agent().id());
    assertEquals("aura", router.select(null, null, "I'm so stressed and anxious at work").agent().id());
    assertEquals("nova", router.select(null, null, "Is creatine worth taking?").agent().id());
    assertEquals("stella", router.select(null, null, "I want to set a goal and track my progress").agent().id());
    assertEquals(Route.Reason.KEYWORDS, router.select(null, null, "Is creatine worth taking?").reason());
  }

  @Test
  @DisplayName("no keyword at all goes to the default agent, stella")
  void noMatchDefault() {
    Route route = router.select(null, null, "Hello there, who are you?");
    assertEquals(AgentRouter.DEFAULT_AGENT_ID, route.agent().id());
    assertEquals(Route.Reason.DEFAULT, route.reason());
  }

  @Test
  @DisplayName("a tie goes to the default agent when tied, else to the first tied agent in registry order")
  void ties() {
    // "gym" (blaze 2) vs "fasting" (nova 2): blaze comes first in the registry
    assertEquals("blaze", router.bestMatch("gym or fasting?").agent().id());
    // "habit" (stella 2) vs "food" (sage 2): stella is the default
    assertEquals("stella", router.bestMatch("a food habit").agent().id());
  }

  @Test
  @DisplayName("handoff: the text clearly belongs to another specialist, who answers")
  void handoff() {
    Route route = router.select(null, "blaze", "I can't sleep, insomnia every night and I wake up exhausted");
    assertEquals("wave", route.agent().id());
    assertEquals(Route.Reason.HANDOFF, route.reason());
    Handoff handoff = route.handoff();
    assertEquals("blaze", handoff.from());
    assertEquals("wave", handoff.to());
    assertTrue(handoff.reason().startsWith("WAVE covers recovery, sleep and mobility (matched: sleep, insomnia"),
        handoff.reason());
  }

  @Test
  @DisplayName("no handoff when the current agent is also strong on the text or the other is not clearly ahead")
  void noHandoff() {
    assertFalse(router.handoff("squat and deadlift, then sleep", TestAgents.builtIn().find("blaze").orElseThrow())
        .isPresent());
    assertTrue(AgentRouter.clearlyBetter(4, 0));
    assertTrue(AgentRouter.clearlyBetter(6, 3));
    assertFalse(AgentRouter.clearlyBetter(3, 0));
    assertFalse(AgentRouter.clearlyBetter(7, 4));
    assertFalse(AgentRouter.clearlyBetter(5, 3));
  }

  @Test
  @DisplayName("routing is deterministic and scores name the matched keywords")
  void scores() {
    KeywordScore sage = router.scores("Macros and calories for my diet").stream()
        .filter(s -> s.agentId().equals("sage")).findFirst().orElseThrow();
    assertEquals(9, sage.score());
    assertEquals(java.util.List.of("diet", "calorie", "macro"), sage.matched());
  }
}
