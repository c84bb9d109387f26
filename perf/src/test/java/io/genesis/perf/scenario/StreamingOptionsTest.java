package io.genesis.perf.scenario;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.cli.Args;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("streaming's --reconnect-rate: a ratio, for GENESIS's session streams only")
class StreamingOptionsTest {
  /** Refused while reading the options, before anything connects (so no Vert.x is needed). */
  private static String refusal(String... options) {
    List<String> all = new ArrayList<>(List.of("--target", "http://127.0.0.1:8080"));
    all.addAll(List.of(options));
    return assertThrows(IllegalArgumentException.class,
        () -> new StreamingScenario().prepare(null, Args.parse(all, Set.of()))).getMessage();
  }

  @Test
  @DisplayName("a rate outside 0..1 is refused; so is a rate over openai, against the ceiling or an upstream")
  void refused() {
    assertTrue(refusal("--reconnect-rate", "1.5").contains("--reconnect-rate"));
    assertTrue(refusal("--reconnect-rate", "-0.1").contains("--reconnect-rate"));
    assertTrue(refusal("--reconnect-rate", "0.2", "--transport", "openai").contains("sse or ws"));
    assertTrue(refusal("--reconnect-rate", "0.2", "--against", "ceiling").contains("--against genesis"));
    assertTrue(refusal("--reconnect-rate", "20%", "--against", "upstream").contains("--against genesis"));
  }
}
