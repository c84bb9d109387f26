package io.genesis.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GENESIS as a real child JVM on the test class path ({@code Main}, every service), for what only a
 * separate process shows: signals, exit, what survives it. Its output is kept for failure messages.
 */
final class ChildGenesis implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("GENESIS ready on https?://[^:]+:(\\d+)");

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  /** The output has ended (guarded by this). */
  private boolean ended;

  private ChildGenesis(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "child-genesis-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code Main} with {@code env} on top of this JVM's environment (a null value removes the variable);
   * answers once it is ready. A
   * start that hangs is tried once more: on a machine loaded well past its cores, the PostgreSQL pool's
   * connect timeout can fire during the migrations and leave that start waiting for ever (a Vert.x pool
   * NullPointerException in the child's output), which is not what the tests using this look at.
   */
  static ChildGenesis start(Path workDir, Map<String, String> env, Duration within) {
    try {
      return startOnce(workDir, env, within);
    } catch (AssertionError hung) {
      System.err.println("retrying the child GENESIS once: " + hung.getMessage());
      return startOnce(workDir, env, within);
    }
  }

  /**
   * Starts {@code Main} with {@code args} (e.g. {@code serve session-service}) and {@code env} on top of
   * this JVM's environment, and answers at once, without waiting for anything and without a second try:
   * see {@link #awaitLine} for readiness.
   */
  static ChildGenesis launch(Path workDir, Map<String, String> env, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    try {
      return new ChildGenesis(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ChildGenesis startOnce(Path workDir, Map<String, String> env, Duration within) {
    ChildGenesis child = launch(workDir, env);
    try {
      child.port.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      child.close();
      throw new AssertionError("the child GENESIS was not ready within " + within + ":\n" + child.output(), e);
    }
    return child;
  }

  int port() {
    return port.join();
  }

  /** The processes this one started (its embedded PostgreSQL and Redis, when it runs them), while they live. */
  java.util.stream.Stream<ProcessHandle> descendants() {
    return process.toHandle().descendants();
  }

  /** SIGTERM, as an orchestrator stops a container. */
  void terminate() {
    process.destroy();
  }

  /** Waits at most {@code within} for the process to exit; answers whether it did. */
  boolean exited(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitValue() {
    return process.exitValue();
  }

  synchronized String output() {
    return String.join("\n", output);
  }

  /**
   * The first line of output that {@code pattern} finds something in, waiting for it at most
   * {@code within}; fails with the output so far when none came (or the process ended first).
   */
  synchronized Matcher awaitLine(Pattern pattern, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    for (int seen = 0; ; ) {
      for (; seen < output.size(); seen++) {
        Matcher matcher = pattern.matcher(output.get(seen));
        if (matcher.find()) {
          return matcher;
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || (ended && seen == output.size())) {
        throw new AssertionError("no line matching /" + pattern + "/ within " + within + (ended ? " (the process ended)" : "")
            + ":\n" + output());
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (this) {
          output.add(line);
          notifyAll();
        }
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    synchronized (this) {
      ended = true;
      notifyAll();
    }
    port.completeExceptionally(new IllegalStateException("the child GENESIS ended its output before it was ready"));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      exited(Duration.ofSeconds(10));
    }
  }
}
