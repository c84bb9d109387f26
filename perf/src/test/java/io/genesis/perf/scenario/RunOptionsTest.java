package io.genesis.perf.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The load model from the common options")
class RunOptionsTest {
  private static final LoadModel STREAMING = LoadModel.closed(15, 30, Long.MAX_VALUE, 0);

  private static LoadModel model(LoadModel fallback, String... options) {
    List<String> all = new ArrayList<>(List.of("--target", "http://127.0.0.1:8080"));
    all.addAll(List.of(options));
    Args args = Args.parse(all, Set.of());
    LoadModel model = RunOptions.read(args).model(args, fallback);
    args.rejectUnused();
    return model;
  }

  @Test
  @DisplayName("a closed-model scenario stays closed with --duration or --iterations alone, with its own users")
  void closedStaysClosed() {
    LoadModel shorter = model(STREAMING, "--duration", "5s");
    assertFalse(shorter.isOpen());
    assertEquals(15, shorter.vus());
    assertEquals(5.0, shorter.seconds());
    LoadModel counted = model(STREAMING, "--iterations", "100", "--vus", "3");
    assertEquals(3, counted.vus());
    assertEquals(100, counted.iterations());
    assertEquals(30.0, counted.seconds());
  }

  @Test
  @DisplayName("--rate turns a closed-model scenario open; an open one takes --duration at its own rate")
  void rateOpens() {
    LoadModel open = model(STREAMING, "--rate", "20", "--duration", "2s");
    assertTrue(open.isOpen());
    assertEquals(40, open.schedule().totalArrivals());
    LoadModel journey = model(LoadModel.open(Schedule.constant(5, 60), 0, 0), "--duration", "4s");
    assertEquals(20, journey.schedule().totalArrivals());
  }
}
