package io.genesis.perf.report;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The results table of {@code docs/PERFORMANCE.md}, from the summaries {@code scripts/bench.sh} writes:
 * {@code NAME-genesis.json} and {@code NAME-ceiling.json} for each row, measured in one run, with the
 * command of each in {@code NAME-genesis.cmd}. Each row states GENESIS's figure, the ceiling's, their
 * ratio, and the seeds' figure where the seeds reported one. A row whose files are missing is left out.
 */
public final class BenchTable {
  private final Map<String, JsonObject> summaries;
  private final Map<String, String> commands;
  private final List<String> rows = new ArrayList<>();

  private BenchTable(Map<String, JsonObject> summaries, Map<String, String> commands) {
    this.summaries = summaries;
    this.commands = commands;
  }

  /** Markdown: the table, then the command of every row. */
  public static String render(Map<String, JsonObject> summaries, Map<String, String> commands) {
    BenchTable table = new BenchTable(summaries, commands);
    table.build();
    StringBuilder out = new StringBuilder();
    out.append("| row | what | GENESIS | ceiling, same run | GENESIS ÷ ceiling | seeds |\n");
    out.append("|---|---|---|---|---|---|\n");
    table.rows.forEach(row -> out.append(row).append('\n'));
    out.append("\nCommands (row: `java -jar perf/target/genesis-perf.jar …`; the ceiling's row runs the same with "
        + "`--against ceiling` and the ceiling's URL):\n\n");
    commands.forEach((name, command) -> {
      if (summaries.containsKey(name + "-genesis")) {
        out.append("- `").append(name).append("`: `").append(command.trim()).append("`\n");
      }
    });
    return out.toString();
  }

  private void build() {
    latencyRow("baseline", "100 req/s for the request mix, open model: p50 / p95 / p99", "all",
        "67.2 / 234.8 / 456.1 ms");
    for (String kind : List.of("agents", "session", "history", "message")) {
      latencyRow("baseline", "… of which `" + kind + "` (ceiling: " + ceilingRoute(kind) + "): p50 / p95 / p99", kind, "");
    }
    scalarRow("stress-mix", "highest rate held with p99 < 100 ms and errors < 1 %, request mix",
        s -> number(s, "result", "highestRateHeld"), "req/s", "breaking point ~1,000 req/s");
    scalarRow("stress-reads", "highest rate held, p99 < 100 ms, `agents` only (ceiling: `/json`)",
        s -> number(s, "result", "highestRateHeld"), "req/s", "");
    spikeRow();
    streamingRow("streaming-sse", "SSE");
    streamingRow("streaming-ws", "WebSocket");
    journeyRow();
    connectionsRow();
    soakRow();
  }

  private void latencyRow(String name, String what, String series, String seeds) {
    JsonObject genesis = latency(summaries.get(name + "-genesis"), series);
    JsonObject ceiling = latency(summaries.get(name + "-ceiling"), series);
    if (genesis == null || !genesis.containsKey("p99")) {
      return;
    }
    String ratio = ceiling == null || !ceiling.containsKey("p99") ? "—"
        : "p99 ×" + fixed(genesis.getDouble("p99") / ceiling.getDouble("p99"), 1);
    add(name, what, triple(genesis), ceiling == null ? "—" : triple(ceiling), ratio, seeds);
  }

  private void scalarRow(String name, String what, Function<JsonObject, Double> figure, String unit, String seeds) {
    JsonObject genesis = summaries.get(name + "-genesis");
    if (genesis == null || figure.apply(genesis) == null) {
      return;
    }
    JsonObject ceiling = summaries.get(name + "-ceiling");
    Double ours = figure.apply(genesis);
    Double theirs = ceiling == null ? null : figure.apply(ceiling);
    String capped = ceiling != null && ceiling.getJsonObject("result").getValue("brokeAt") == null ? " (held every step)" : "";
    add(name, what, whole(ours) + " " + unit, theirs == null ? "—" : whole(theirs) + " " + unit + capped,
        theirs == null || theirs == 0 ? "—" : fixed(ours / theirs, 2), seeds);
  }

  private void spikeRow() {
    JsonObject genesis = summaries.get("spike-genesis");
    if (genesis == null) {
      return;
    }
    JsonObject ceiling = summaries.get("spike-ceiling");
    add("spike", "100 → 1,500 → 100 req/s (10 s each), request mix: spike p99, errors, recovery", spike(genesis),
        ceiling == null ? "—" : spike(ceiling), ratioOf(genesis, ceiling, s -> phaseP99(s, "spike"), "p99 ×"),
        "spike to 1,500 req/s");
  }

  private static String spike(JsonObject summary) {
    JsonObject phase = summary.getJsonObject("result").getJsonObject("spike");
    Object recovery = summary.getJsonObject("result").getValue("recoverySeconds");
    return ms(phase.getDouble("p99")) + ", " + percent(phase.getDouble("errorRate")) + " errors, recovered in "
        + (recovery == null ? "never" : whole(((Number) recovery).doubleValue()) + " s");
  }

  private static Double phaseP99(JsonObject summary, String phase) {
    return summary.getJsonObject("result").getJsonObject(phase).getDouble("p99");
  }

  private void streamingRow(String name, String transport) {
    JsonObject genesis = summaries.get(name + "-genesis");
    if (genesis == null) {
      return;
    }
    JsonObject ceiling = summaries.get(name + "-ceiling");
    add(name, "15 conversations at once (closed model), " + transport + ": first token p50 / p99, streams/s",
        streams(genesis), ceiling == null ? "—" : streams(ceiling),
        ratioOf(genesis, ceiling, s -> number(s, "rate", "achieved"), "streams/s ×"), "15 concurrent AI conversations");
  }

  private static String streams(JsonObject summary) {
    JsonObject ttft = summary.getJsonObject("values").getJsonObject("ttft");
    if (ttft == null) {
      return "no stream answered";
    }
    return ms(ttft.getDouble("p50")) + " / " + ms(ttft.getDouble("p99")) + ", "
        + fixed(summary.getJsonObject("rate").getDouble("achieved"), 1) + " streams/s";
  }

  private void journeyRow() {
    JsonObject genesis = summaries.get("journey-genesis");
    if (genesis == null) {
      return;
    }
    JsonObject ceiling = summaries.get("journey-ceiling");
    add("journey", "user visits at 5/s (token, agents, session, 3 × streamed message + history, sessions): "
        + "whole visit p50 / p99", visit(genesis), ceiling == null ? "—" : visit(ceiling),
        ratioOf(genesis, ceiling, s -> s.getJsonObject("values").containsKey("visit")
            ? s.getJsonObject("values").getJsonObject("visit").getDouble("p99") : null, "p99 ×"), "");
  }

  private static String visit(JsonObject summary) {
    JsonObject visit = summary.getJsonObject("values").getJsonObject("visit");
    if (visit == null) {
      return "no visit completed";
    }
    return ms(visit.getDouble("p50")) + " / " + ms(visit.getDouble("p99"));
  }

  private void connectionsRow() {
    JsonObject genesis = summaries.get("connections-genesis");
    if (genesis == null) {
      return;
    }
    JsonObject ceiling = summaries.get("connections-ceiling");
    add("connections", "idle WebSockets held (5 of them chatting): held at the end, server memory per connection",
        held(genesis), ceiling == null ? "—" : held(ceiling),
        ratioOf(genesis, ceiling, s -> perConnection(s), "memory ×"), "");
  }

  private static String held(JsonObject summary) {
    JsonObject result = summary.getJsonObject("result");
    Double kb = perConnection(summary);
    return whole(result.getDouble("heldAtEnd")) + " of " + whole(result.getDouble("target"))
        + (kb == null ? "" : ", " + whole(kb) + " KB each");
  }

  private static Double perConnection(JsonObject summary) {
    JsonObject memory = summary.getJsonObject("result").getJsonObject("serverMemory");
    return memory == null ? null : memory.getDouble("perConnectionKb");
  }

  private void soakRow() {
    JsonObject genesis = summaries.get("soak-genesis");
    if (genesis == null || !genesis.getJsonObject("result").containsKey("p99Drift")) {
      return;
    }
    JsonObject ceiling = summaries.get("soak-ceiling");
    add("soak", "steady load, first window → last: p99, server memory", soak(genesis),
        ceiling == null ? "—" : soak(ceiling), "—", "");
  }

  private static String soak(JsonObject summary) {
    JsonObject result = summary.getJsonObject("result");
    JsonObject p99 = result.getJsonObject("p99Drift");
    JsonObject memory = result.getJsonObject("memoryDrift");
    return ms(p99.getDouble("firstMillis")) + " → " + ms(p99.getDouble("lastMillis"))
        + (memory == null ? "" : ", " + whole(memory.getDouble("firstMb")) + " → " + whole(memory.getDouble("lastMb")) + " MB");
  }

  private static String ratioOf(JsonObject genesis, JsonObject ceiling, Function<JsonObject, Double> figure, String label) {
    if (ceiling == null) {
      return "—";
    }
    Double ours = figure.apply(genesis);
    Double theirs = figure.apply(ceiling);
    return ours == null || theirs == null || theirs == 0 ? "—" : label + fixed(ours / theirs, theirs < 1 && ours > 100 ? 0 : 2);
  }

  private void add(String name, String what, String genesis, String ceiling, String ratio, String seeds) {
    rows.add("| `" + name + "` | " + what + " | " + genesis + " | " + ceiling + " | " + ratio + " | "
        + (seeds.isEmpty() ? "—" : seeds) + " |");
  }

  private static JsonObject latency(JsonObject summary, String series) {
    return summary == null ? null : summary.getJsonObject("latency").getJsonObject(series);
  }

  private static String triple(JsonObject stats) {
    return fixed(stats.getDouble("p50"), 1) + " / " + fixed(stats.getDouble("p95"), 1) + " / "
        + fixed(stats.getDouble("p99"), 1) + " ms";
  }

  private static Double number(JsonObject summary, String object, String field) {
    JsonObject holder = summary.getJsonObject(object);
    return holder == null || holder.getValue(field) == null ? null : holder.getDouble(field);
  }

  private static String ceilingRoute(String kind) {
    return switch (kind) {
      case "agents" -> "`/json`";
      case "session" -> "`/redis`";
      case "history" -> "`/db`";
      default -> "`/insert`";
    };
  }

  private static String ms(Double value) {
    return value == null ? "—" : fixed(value, 1) + " ms";
  }

  private static String percent(Double ratio) {
    return ratio == null ? "—" : fixed(ratio * 100, 2) + " %";
  }

  private static String whole(double value) {
    return String.format(Locale.ROOT, "%,d", Math.round(value));
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
