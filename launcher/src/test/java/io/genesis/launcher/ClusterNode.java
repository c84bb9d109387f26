package io.genesis.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * One clustered service as an operator starts it: {@code serve SERVICE --cluster} in a JVM of its own on the
 * test class path, with a small heap. Starting does not wait, so several start at once; {@link #awaitReady}
 * waits for the line the service logs once it serves, and (a process without a gateway) its operator port.
 */
final class ClusterNode implements AutoCloseable {
  private static final Pattern GATEWAY_READY = Pattern.compile("GENESIS ready on http://[^:]+:(\\d+)");
  private static final Pattern SERVICE_READY = Pattern.compile("session service \\S+ ready|agent service ready");
  private static final Pattern OPERATOR_PORT = Pattern.compile("operator port on http://[^:]+:(\\d+)");

  private final String name;
  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
  private final CompletableFuture<Void> serviceReady = new CompletableFuture<>();
  private final CompletableFuture<Integer> operatorPort = new CompletableFuture<>();

  private ClusterNode(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::read, "cluster-node-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code serve service --cluster} with {@code env} on top of this JVM's environment. */
  static ClusterNode start(String name, String service, Path workDir, Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Path dir = Files.createDirectories(workDir.resolve(name));
      // C1 only and the serial collector: five JVMs start on two cores in a fraction of the time.
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
          Main.class.getName(), "serve", service, "--cluster").directory(dir.toFile()).redirectErrorStream(true);
      builder.environment().putAll(env);
      builder.environment().put("GENESIS_DATA_DIR", dir.toString());
      builder.environment().put("GENESIS_LOG_FORMAT", "text");
      return new ClusterNode(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port free right now on loopback, for a child to listen on. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ClusterNode awaitReady(Duration within) {
    CompletableFuture<?> ready = CompletableFuture.anyOf(httpPort, CompletableFuture.allOf(serviceReady, operatorPort));
    try {
      ready.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError(name + " was not ready within " + within + ":\n" + output(), e);
    }
    return this;
  }

  String name() {
    return name;
  }

  int httpPort() {
    return httpPort.join();
  }

  int operatorPort() {
    return operatorPort.join();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -STOP}: alive to the cluster for a while, answering nothing. */
  void pause() {
    try {
      Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(process.pid())).start();
      if (!stop.waitFor(10, TimeUnit.SECONDS) || stop.exitValue() != 0) {
        throw new IllegalStateException("kill -STOP " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code kill -9}: no shutdown hook, no goodbye to the cluster. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized String output() {
    return String.join("\n", output);
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (this) {
          output.add(line);
        }
        Matcher gateway = GATEWAY_READY.matcher(line);
        if (gateway.find()) {
          httpPort.complete(Integer.parseInt(gateway.group(1)));
        }
        if (SERVICE_READY.matcher(line).find()) {
          serviceReady.complete(null);
        }
        Matcher operator = OPERATOR_PORT.matcher(line);
        if (operator.find()) {
          operatorPort.complete(Integer.parseInt(operator.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    IllegalStateException ended = new IllegalStateException(name + " ended its output");
    httpPort.completeExceptionally(ended);
    serviceReady.completeExceptionally(ended);
    operatorPort.completeExceptionally(ended);
  }

  @Override
  public void close() {
    kill();
  }
}
