package io.genesis.agent.coach.calc;

import java.util.List;

/**
 * The outcome of one calculator on one message: either a result ({@code missing} empty, {@code text}
 * names the figures used) or a request for the numbers it still needs ({@code missing} lists them and
 * {@code text} asks for them).
 */
public record Calculation(String calculator, String text, List<String> missing) {
  public Calculation {
    missing = List.copyOf(missing);
  }

  public static Calculation result(String calculator, String text) {
    return new Calculation(calculator, text, List.of());
  }

  public static Calculation needs(String calculator, String purpose, List<String> missing) {
    return new Calculation(calculator, "To work out " + purpose + " I need " + Fmt.joinAnd(missing) + ".", missing);
  }

  public boolean complete() {
    return missing.isEmpty();
  }
}
