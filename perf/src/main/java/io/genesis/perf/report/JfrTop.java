package io.genesis.perf.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code profile FILE.jfr}: where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) went, as text:
 * the samples by thread group, then the top methods by self samples (the frame that was running) and by
 * inclusive samples (anywhere on the stack, the methods of {@code --package} only, lambdas' generated classes left
 * out), each as a share of the
 * samples of the threads kept ({@code --threads} keeps those whose name contains it). Java 17's {@code jfr}
 * tool has no {@code view} command; this is the part of it the benchmarks need.
 */
public final class JfrTop {
  private final Map<String, Integer> byThread = new HashMap<>();
  private final Map<String, Integer> self = new HashMap<>();
  private final Map<String, Integer> inclusive = new HashMap<>();
  private int kept;

  private JfrTop() {}

  /** Reads {@code file}, keeping the samples of threads whose name contains {@code threads} (empty: all). */
  public static JfrTop read(Path file, String threads) throws IOException {
    JfrTop top = new JfrTop();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        if (event.getEventType().getName().equals("jdk.ExecutionSample")) {
          top.add(event, threads);
        }
      }
    }
    return top;
  }

  private void add(RecordedEvent event, String threads) {
    RecordedThread thread = event.getThread("sampledThread");
    String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
    byThread.merge(group(name), 1, Integer::sum);
    RecordedStackTrace stack = event.getStackTrace();
    if (!name.contains(threads) || stack == null || stack.getFrames().isEmpty()) {
      return;
    }
    kept++;
    List<RecordedFrame> frames = stack.getFrames();
    self.merge(method(frames.get(0)), 1, Integer::sum);
    Set<String> seen = new HashSet<>();
    for (RecordedFrame frame : frames) {
      String method = method(frame);
      if (seen.add(method)) {
        inclusive.merge(method, 1, Integer::sum);
      }
    }
  }

  /** {@code vert.x-eventloop-thread-3} and {@code vert.x-eventloop-thread-0} are one group. */
  private static String group(String thread) {
    return thread.replaceAll("-?\\d+$", "");
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  /** The report: {@code limit} lines a list; inclusive methods are those whose name starts with {@code pkg}. */
  public String render(int limit, String pkg) {
    StringBuilder out = new StringBuilder();
    int all = byThread.values().stream().mapToInt(Integer::intValue).sum();
    out.append("samples: ").append(all).append(" in all, ").append(kept).append(" kept\n");
    out.append("by thread:\n");
    top(byThread, limit, name -> true).forEach(e -> line(out, e, all));
    out.append("self (the running method):\n");
    top(self, limit, name -> true).forEach(e -> line(out, e, kept));
    out.append("inclusive (on the stack), ").append(pkg.isEmpty() ? "all methods" : pkg + "*").append(":\n");
    top(inclusive, limit, name -> name.startsWith(pkg) && !name.contains("$$Lambda")).forEach(e -> line(out, e, kept));
    return out.toString();
  }

  private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int limit, Predicate<String> keep) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>();
    counts.entrySet().stream().filter(e -> keep.test(e.getKey()))
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .limit(limit).forEach(entries::add);
    return entries;
  }

  private static void line(StringBuilder out, Map.Entry<String, Integer> entry, int total) {
    out.append(String.format("  %5.1f %%  %6d  %s%n", total == 0 ? 0.0 : entry.getValue() * 100.0 / total, entry.getValue(),
        entry.getKey()));
  }
}
