package io.genesis.perf.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The resident memory of a server process ({@code --server-pid}), read from {@code /proc/PID/status}
 * through the asynchronous file system once a second, so soak and connection runs can report it.
 */
public final class ProcessMemory {
  private final Vertx vertx;
  private final long pid;
  private double firstMb = -1;
  private double lastMb = -1;
  private double maxMb = -1;

  public ProcessMemory(Vertx vertx, long pid) {
    this.vertx = vertx;
    this.pid = pid;
  }

  /** Reads the current figure; a process that is gone leaves the last one. */
  public Future<Double> sample() {
    return vertx.fileSystem().readFile("/proc/" + pid + "/status").map(buffer -> {
      for (String line : buffer.toString().split("\n")) {
        if (line.startsWith("VmRSS:")) {
          double mb = Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 * 10) / 10.0;
          if (firstMb < 0) {
            firstMb = mb;
          }
          lastMb = mb;
          maxMb = Math.max(maxMb, mb);
          return mb;
        }
      }
      return lastMb;
    }).otherwise(lastMb);
  }

  public double lastMb() {
    return lastMb;
  }

  public JsonObject toJson() {
    return new JsonObject().put("pid", pid).put("rssMbFirst", firstMb).put("rssMbLast", lastMb).put("rssMbMax", maxMb);
  }
}
