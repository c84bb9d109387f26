package io.genesis.agent.coach;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.common.bus.Messages.ChatTurn;
import io.genesis.common.bus.Messages.Profile;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Figures a person states about themselves, offered for the profile")
class StatedFiguresTest {
  private static Profile weight(double kg) {
    return new Profile(null, null, null, kg, null, null, null, null);
  }

  @Test
  @DisplayName("first-person statements count, loads and other people do not")
  void statements() {
    assertEquals(weight(82.0), StatedFigures.of("I'm 82 kg now"));
    assertEquals(weight(81.6), StatedFigures.of("I weigh 180 lb"));
    assertEquals(new Profile(30, "female", 165.0, null, null, null, null, null), StatedFigures.of("I'm 30, I am 165 cm and I'm a woman"));
    assertEquals(Profile.EMPTY, StatedFigures.of("I benched 100 kg for 5 reps"));
    assertEquals(Profile.EMPTY, StatedFigures.of("my son is 12 years old and I'm 45 minutes away"));
  }

  @Test
  @DisplayName("the suggestion holds what differs from the profile; a later statement in the conversation wins")
  void suggestionAndConversation() {
    Profile stored = new Profile(30, "male", 180.0, 80.0, "moderate", "lose_fat", null, null);
    assertEquals(weight(82.0), StatedFigures.suggestion(stored, StatedFigures.of("I'm 82 kg now and I'm 30")));
    assertEquals(Profile.EMPTY, StatedFigures.suggestion(stored, StatedFigures.of("I'm 80 kg")));
    List<ChatTurn> turns = List.of(new ChatTurn("user", "I'm 84 kg"), new ChatTurn("assistant", "I'm 90 kg"), new ChatTurn("user", "I'm 83 kg now"));
    assertEquals(weight(83.0), StatedFigures.ofConversation(turns));
  }
}
