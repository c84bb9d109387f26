package io.genesis.perf.scenario;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What perf's users say: questions for each of the seven coaches, so routing and handoffs vary as in real use. */
public final class Prompts {
  private static final List<String> ALL = List.of(
      "I ran 10k in 50:00, what pace is that?",
      "How much protein should I eat to build muscle? I weigh 80 kg.",
      "What is my one rep max if I bench 100 kg for 5 reps?",
      "I keep waking up at 3am, how can I sleep better?",
      "I feel stressed before work every morning, any breathing exercise?",
      "Is creatine worth taking, and how much per day?",
      "I lost 2 kg this month, am I on track for my goal of 10 kg?",
      "My legs are sore after squats, how should I recover?");

  /** Each prompt as a message's JSON body, encoded once. */
  private static final List<Buffer> BODIES = ALL.stream().map(Prompts::body).toList();

  private Prompts() {}

  /** Prompt {@code i}'s message body, shared: never change it. */
  public static Buffer bodyOf(long i) {
    return BODIES.get((int) Math.floorMod(i, (long) BODIES.size()));
  }

  /** A message's JSON body. */
  public static Buffer body(String content) {
    return new JsonObject().put("content", content).toBuffer();
  }

  public static String get(long i) {
    return ALL.get((int) Math.floorMod(i, (long) ALL.size()));
  }
}
