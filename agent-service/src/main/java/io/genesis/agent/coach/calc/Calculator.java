package io.genesis.agent.coach.calc;

import java.util.Optional;

/** One kind of calculation the offline coach can make from the numbers in a message. Pure and thread-safe. */
public interface Calculator {
  /** The name definition files use in {@code calculators}. */
  String name();

  /**
   * Evaluates a message already passed through {@link Texts#normalize}. Empty when the message does not
   * ask for this calculation; otherwise a result, or the list of numbers still needed.
   */
  Optional<Calculation> evaluate(String text);
}
