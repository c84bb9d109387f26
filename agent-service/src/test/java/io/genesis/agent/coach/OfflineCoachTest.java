package io.genesis.agent.coach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.TestAgents;
import io.genesis.agent.definition.AgentDefinition;
import io.genesis.agent.registry.AgentRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OfflineCoachTest {
  private final AgentRegistry registry = TestAgents.builtIn();
  private final OfflineCoach coach = new OfflineCoach(100_000);

  private AgentDefinition agent(String id) {
    return registry.find(id).orElseThrow();
  }

  @Test
  @DisplayName("each of the seven agents answers the same message in its own voice")
  void distinctVoices() {
    String message = "I feel like I'm not getting anywhere lately, any advice?";
    Set<String> answers = new HashSet<>();
    Set<String> allOpeners = new HashSet<>();
    for (AgentDefinition agent : registry.definitions()) {
      String answer = coach.reply(agent, message, null);
      answers.add(answer);
      assertTrue(agent.voice().openers().stream().anyMatch(answer::startsWith), agent.id() + ": " + answer);
      assertTrue(agent.voice().signOffs().stream().anyMatch(answer::endsWith), agent.id() + ": " + answer);
      for (String opener : agent.voice().openers()) {
        assertTrue(allOpeners.add(opener), "opener shared between agents: " + opener);
      }
    }
    assertEquals(7, answers.size());
  }

  @Test
  @DisplayName("the same agent and text always give the same answer")
  void deterministic() {
    AgentDefinition blaze = agent("blaze");
    String first = coach.reply(blaze, "How should I train my legs?", null);
    assertEquals(first, new OfflineCoach().reply(blaze, "how should I   train my legs?", null));
  }

  @Test
  @DisplayName("SAGE answers with real numbers; a tip replaces nothing when the calculation is complete")
  void sageCalculates() {
    AgentDefinition sage = agent("sage");
    String answer = coach.reply(sage, "male, 30 years old, 80kg, 180cm, moderately active, cutting: macros?", null);
    assertTrue(answer.contains("BMR 1,780 kcal"), answer);
    assertTrue(answer.contains("carbs 239 g"), answer);
    assertFalse(sage.voice().tips().stream().anyMatch(answer::contains), answer);
  }

  @Test
  @DisplayName("missing numbers: the coach asks for them and still gives a tip")
  void asksForMissingNumbers() {
    AgentDefinition sage = agent("sage");
    String answer = coach.reply(sage, "how many calories should I eat?", null);
    assertTrue(answer.contains("I need your weight"), answer);
    assertTrue(sage.voice().tips().stream().anyMatch(answer::contains), answer);
  }

  @Test
  @DisplayName("a greeting gets the greeting; a handoff opens with the intro naming the previous agent")
  void greetingAndHandoff() {
    AgentDefinition wave = agent("wave");
    assertEquals(wave.voice().greeting(), coach.reply(wave, "Hi WAVE!", null));
    String answer = coach.reply(wave, "I can't sleep", "SAGE");
    assertTrue(answer.startsWith("SAGE handed you over"), answer);
  }

  @Test
  @DisplayName("calculations are cached by calculator and normalized text")
  void cached() {
    AgentDefinition volt = agent("volt");
    coach.calculations(volt, "I ran 10 km in 50:00");
    long hitsBefore = coach.cacheStats().hitCount();
    List<?> again = coach.calculations(volt, "I ran 10 KM in 50:00");
    assertEquals(1, again.size());
    assertEquals(hitsBefore + volt.calculators().size(), coach.cacheStats().hitCount());
  }
}
