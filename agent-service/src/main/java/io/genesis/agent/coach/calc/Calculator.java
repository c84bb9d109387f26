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

  /** As {@link #evaluate(String)}, with what the coach knows of the person (figures the message lacks). */
  default Optional<Calculation> evaluate(String text, Facts facts) {
    return evaluate(text);
  }

  /** What this calculator would use of the person's data for this message (the coach fetches no more than that). */
  default Uses uses(String text) {
    return Uses.NOTHING;
  }

  /** What a calculation may use beyond the message. */
  enum Uses {
    NOTHING, PROFILE, RECORDS
  }
}
