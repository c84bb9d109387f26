package io.genesis.perf.load;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Drives a {@link Workload} under a {@link LoadModel} on one event loop, then summarises. Open model:
 * a 1 ms timer sends every arrival that is due, each timed from when it was due; the run reports how
 * many it sent late (the generator itself fell behind) or dropped (too many in flight), so a report
 * never hides its own saturation. The run stops by itself: at the end of the schedule (or of the closed
 * model's time or count), after which in-flight requests get {@code drainSeconds} to finish.
 */
public final class LoadRunner {
  private static final long SECOND = 1_000_000_000L;
  private final Vertx vertx;
  private final Workload workload;
  private final LoadModel model;
  private final long lateToleranceNanos;
  private final double drainSeconds;
  private final ProcessMemory server;
  private final Promise<JsonObject> result = Promise.promise();
  private Consumer<JsonObject> progress = point -> {};
  private IntConsumer stageEnded = stage -> {};
  private Schedule schedule;
  private int warmupStages;
  private Recorder recorder;
  private Context context;
  private long startNanos;
  private long measureFromNanos;
  private long endNanos;
  private long next;
  private long due;
  private int inFlight;
  private int maxInFlightSeen;
  private int nextStageToEnd;
  private long closedIntervals;
  private long timer = -1;
  private boolean stopping;
  private long failedIterations;
  private String firstFailure;
  private long drainDeadline;
  private long succeededByEnd;

  public LoadRunner(Vertx vertx, Workload workload, LoadModel model, long lateToleranceNanos, double drainSeconds,
                    ProcessMemory server) {
    this.vertx = vertx;
    this.workload = workload;
    this.model = model;
    this.lateToleranceNanos = lateToleranceNanos;
    this.drainSeconds = drainSeconds;
    this.server = server;
  }

  /** Called once a second with the timeline point just closed plus run totals. */
  public LoadRunner onProgress(Consumer<JsonObject> listener) {
    this.progress = listener;
    return this;
  }

  /** Called on the run's event loop when a stage of the (open) schedule has ended. */
  public LoadRunner onStageEnd(IntConsumer listener) {
    this.stageEnded = listener;
    return this;
  }

  public Recorder recorder() {
    return recorder;
  }

  /** Stops sending new requests now (in-flight ones still finish); the summary covers what ran. */
  public void stop() {
    context.runOnContext(v -> {
      if (!stopping) {
        endNanos = Math.min(endNanos, System.nanoTime());
        finish();
      }
    });
  }

  /** Sets up the workload, runs the load, tears down, and completes with the summary. */
  public Future<JsonObject> run() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      try {
        workload.setUp().onFailure(result::tryFail).onSuccess(ready -> {
          try {
            begin();
          } catch (RuntimeException e) {
            result.tryFail(e);
          }
        });
      } catch (RuntimeException e) {
        result.tryFail(e);
      }
    });
    // Torn down whatever happened, so a failed set-up closes what it opened.
    return result.future().transform(outcome -> workload.tearDown().otherwiseEmpty()
        .transform(torn -> outcome.succeeded() ? Future.succeededFuture(outcome.result())
            : Future.failedFuture(outcome.cause())));
  }

  private void begin() {
    startNanos = System.nanoTime();
    long warmup = Math.round(model.warmupSeconds() * SECOND);
    // An arrival due exactly at the end of the warm-up belongs to it, as the schedule counts it.
    measureFromNanos = startNanos + warmup + (model.isOpen() && warmup > 0 ? 1 : 0);
    recorder = new Recorder(measureFromNanos);
    if (model.isOpen()) {
      List<Stage> stages = new ArrayList<>();
      if (warmup > 0) {
        Stage first = model.schedule().stages().get(0);
        // A ramp from 0 warms up gently, not at its peak.
        double rate = first.fromRate() > 0 ? first.fromRate() : Math.max(1, first.toRate() / 10);
        stages.add(Stage.constant(model.warmupSeconds(), rate, "warm-up"));
        warmupStages = 1;
      }
      stages.addAll(model.schedule().stages());
      schedule = new Schedule(stages);
      endNanos = startNanos + Math.round(schedule.totalSeconds() * SECOND);
      nextStageToEnd = warmupStages;
    } else {
      endNanos = measureFromNanos + Math.round(model.seconds() * SECOND);
      for (int i = 0; i < model.vus(); i++) {
        user();
      }
    }
    timer = vertx.setPeriodic(1, id -> tick());
  }

  private void tick() {
    long now = System.nanoTime();
    if (model.isOpen() && !stopping) {
      due = schedule.dueBy((Math.min(now, endNanos) - startNanos) / 1e9);
      while (next < due) {
        long intended = startNanos + Math.round(schedule.dueAt(next) * SECOND);
        int stage = schedule.stageOfArrival(next) - warmupStages;
        next++;
        send(intended, stage, System.nanoTime());
      }
      endStages(now);
    }
    while (now >= measureFromNanos + (closedIntervals + 1) * SECOND) {
      closeInterval(closedIntervals + 1);
    }
    if (!stopping && (now >= endNanos || (!model.isOpen() && inFlight == 0))) {
      endNanos = Math.min(endNanos, now);
      finish();
    }
    if (stopping && (inFlight == 0 || now >= drainDeadline)) {
      complete(now);
    }
  }

  private void send(long intended, int stage, long now) {
    if (inFlight >= model.maxInFlight()) {
      recorder.dropped(intended);
      return;
    }
    recorder.started(intended, now - intended, lateToleranceNanos);
    iterate(new Workload.Iteration(intended, Math.max(0, stage), recorder));
  }

  private Future<Void> iterate(Workload.Iteration iteration) {
    inFlight++;
    if (iteration.intendedNanos() >= measureFromNanos) {
      maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    }
    Future<Void> done;
    try {
      done = workload.iterate(iteration);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.onComplete(outcome -> {
      inFlight--;
      if (outcome.failed()) {
        failedIterations++;
        if (firstFailure == null) {
          firstFailure = String.valueOf(outcome.cause().getMessage());
        }
      }
    });
  }

  /** A closed-model virtual user: its next iteration starts when its last one ended. */
  private void user() {
    long now = System.nanoTime();
    if (stopping || now >= endNanos || (now >= measureFromNanos && recorder.started() >= model.iterations())) {
      return;
    }
    recorder.started(now, 0, lateToleranceNanos);
    iterate(new Workload.Iteration(now, 0, recorder)).onComplete(outcome -> user());
  }

  private void endStages(long now) {
    int last = schedule.stages().size() - 1;
    while (nextStageToEnd <= last) {
      double end = schedule.stageStart(nextStageToEnd) + schedule.stages().get(nextStageToEnd).seconds();
      if ((now - startNanos) / 1e9 < end) {
        return;
      }
      stageEnded.accept(nextStageToEnd - warmupStages);
      nextStageToEnd++;
    }
  }

  /** Closes the timeline up to {@code elapsed} seconds of measurement (a whole second, or the last part of one). */
  private void closeInterval(double elapsed) {
    closedIntervals++;
    JsonObject gauges = new JsonObject().put("inFlight", inFlight);
    if (model.isOpen()) {
      gauges.put("targetRate", Stats.round(schedule.rateAt(model.warmupSeconds() + Math.max(0, elapsed - 0.5))));
    }
    JsonObject point = recorder.closeInterval(Math.round(elapsed * 100) / 100.0, gauges);
    if (server != null) {
      server.sample().onSuccess(mb -> {
        if (mb >= 0) {
          point.put("serverRssMb", mb);
        }
      });
    }
    progress.accept(point.copy().put("seconds", model.seconds()).put("p99SoFar", recorder.all().count() == 0 ? null
            : recorder.all().at(99)).put("errorsSoFar", recorder.all().errorCount())
        .put("dropped", recorder.dropped()).put("late", recorder.late()));
  }

  private void finish() {
    stopping = true;
    succeededByEnd = recorder.all().count() - recorder.all().errorCount();
    drainDeadline = System.nanoTime() + Math.round(drainSeconds * SECOND);
  }

  private void complete(long now) {
    vertx.cancelTimer(timer);
    double partial = (now - measureFromNanos) / 1e9 - closedIntervals;
    if (partial > 0.05 && now > measureFromNanos) {
      closeInterval(closedIntervals + partial);
    }
    if (server != null) {
      server.sample().onComplete(ignored -> result.tryComplete(summary(now)));
    } else {
      result.tryComplete(summary(now));
    }
  }

  private JsonObject summary(long now) {
    double seconds = Math.max(0.001, (Math.min(endNanos, now) - measureFromNanos) / 1e9);
    JsonObject summary = new JsonObject().put("model", model.toJson())
        .put("measuredSeconds", Stats.round(seconds))
        .put("started", recorder.started()).put("completed", recorder.all().count())
        .put("succeededByEnd", succeededByEnd)
        .put("unfinished", inFlight).put("dropped", recorder.dropped())
        .put("late", new JsonObject().put("count", recorder.late()).put("maxMillis", recorder.maxLateMillis())
            .put("toleranceMillis", lateToleranceNanos / 1e6))
        .put("maxInFlight", maxInFlightSeen)
        .put("latency", recorder.latencyJson(seconds))
        .put("values", recorder.valuesJson())
        .put("timeline", recorder.timelineJson());
    if (model.isOpen()) {
      long measuredArrivals = schedule.dueBy((Math.min(endNanos, now) - startNanos) / 1e9)
          - (warmupStages > 0 ? schedule.dueBy(model.warmupSeconds()) : 0);
      summary.put("scheduled", measuredArrivals)
          .put("rate", new JsonObject().put("target", Stats.round(measuredArrivals / seconds))
              .put("achieved", Stats.round(succeededByEnd / seconds)));
      JsonArray stages = new JsonArray();
      for (int i = 0; i < model.schedule().stages().size(); i++) {
        Stage stage = model.schedule().stages().get(i);
        stages.add(new JsonObject().put("label", stage.label()).put("seconds", stage.seconds())
            .put("fromRate", stage.fromRate()).put("toRate", stage.toRate())
            .put("latency", recorder.stage(i).toJson(stage.seconds())));
      }
      summary.put("stages", stages);
    } else {
      summary.put("rate", new JsonObject().put("achieved", Stats.round(succeededByEnd / seconds)));
    }
    if (failedIterations > 0) {
      summary.put("failedIterations", new JsonObject().put("count", failedIterations).put("first", firstFailure));
    }
    if (server != null) {
      summary.put("server", server.toJson());
    }
    JsonObject figures = workload.figures();
    if (!figures.isEmpty()) {
      summary.put("figures", figures);
    }
    return summary;
  }
}
