package io.genesis.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {
  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final ThrottledLog log = new ThrottledLog(lines::add, now::get);

  @Test
  void aThousandFailuresInASecondWriteOneLineThenTheCount() {
    for (int i = 0; i < 1_000; i++) {
      log.log("database unavailable: {}", "pool busy " + i);
    }
    assertEquals(List.of("database unavailable: pool busy 0"), lines);

    now.addAndGet(ThrottledLog.WINDOW_MILLIS);
    log.log("database unavailable: {}", "pool busy again");
    assertEquals(List.of("database unavailable: pool busy 0",
        "database unavailable: pool busy again (999 more like it left out in the last second)"), lines);
  }

  @Test
  void eachKindHasItsOwnWindow() {
    log.log("database unavailable: {}", "a");
    log.log("session {} keeps its agent: {}", "s", "b");
    log.log("database unavailable: {}", "c");
    assertEquals(List.of("database unavailable: a", "session s keeps its agent: b"), lines);
  }
}
