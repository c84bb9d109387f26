package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Recorder;
import io.genesis.perf.load.Schedule;
import io.genesis.perf.load.Workload;
import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.SseStream.Dialect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@code journey}: each iteration is one visit of a new user, step after step as the app makes them:
 * a development token ({@code token}; none with {@code --token}), the agents ({@code agents}), a new
 * session with an agent drawn from them ({@code session}), then {@code --messages 3} times a message
 * streamed over SSE ({@code message}, with its {@code ttft}) and the session's history ({@code history}),
 * and at the end the user's sessions ({@code sessions}; {@code --list-sessions false} leaves it out).
 * The first step is timed from the visit's intended start, each later one from the end of the one
 * before plus {@code --think} (a timer, default 0); a failed step ends the visit. The whole visit is
 * the value {@code visit}. A visit due during the warm-up is not recorded at all, whenever its steps
 * run. Default load: open model, {@code --rate 5} visits a second for 60 s. Against the ceiling the
 * steps go to its routes of the same shape: {@code GET /plain}, {@code GET /json}, {@code POST /insert},
 * {@code POST /sse}, {@code GET /db} (history and sessions).
 */
public final class JourneyScenario implements Scenario {
  static final List<String> STEPS = List.of("token", "agents", "session", "message", "history", "sessions");
  /** The agents to draw from when the target has no agent list (the ceiling). */
  private static final List<String> AGENTS = List.of("blaze", "sage", "stella", "nova", "aura", "wave", "volt");
  /** Records nothing: stands in for the recorder during visits due in the warm-up. */
  private static final Recorder UNMEASURED = new Recorder(Long.MAX_VALUE);

  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    if (options.against() == Against.UPSTREAM) {
      throw new IllegalArgumentException("journey runs --against genesis or ceiling");
    }
    int messages = args.integer("--messages", 3, 0);
    Duration think = args.duration("--think", Duration.ZERO);
    String list = args.string("--list-sessions", "true");
    if (!list.equals("true") && !list.equals("false")) {
      throw new IllegalArgumentException("--list-sessions must be true or false, got '" + list + "'");
    }
    LoadModel load = options.model(args, LoadModel.open(Schedule.constant(5, 60), 0, 0));
    HttpTarget http = new HttpTarget(vertx, options.target(), options.connections(), options.timeout(), options.tls());
    Visits workload = new Visits(vertx, http, options, messages, think, Boolean.parseBoolean(list));
    return progress -> Runs.run("journey", options, Runs.runner(vertx, options, load, workload, progress))
        .map(summary -> summary.put("result", workload.result(messages)));
  }

  /** One visit per iteration. */
  private static final class Visits implements Workload {
    private final Vertx vertx;
    private final HttpTarget http;
    private final RunOptions options;
    private final int messages;
    private final long thinkMillis;
    private final boolean listSessions;
    private final boolean ceiling;
    private final Random random;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final Map<String, Long> failedAt = new TreeMap<>();
    private long started;
    private long completed;

    Visits(Vertx vertx, HttpTarget http, RunOptions options, int messages, Duration think, boolean listSessions) {
      this.vertx = vertx;
      this.http = http;
      this.options = options;
      this.messages = messages;
      this.thinkMillis = think.toMillis();
      this.listSessions = listSessions;
      this.ceiling = options.against() == Against.CEILING;
      this.random = new Random(options.seed());
    }

    @Override
    public Future<Void> iterate(Iteration iteration) {
      long visit = started++;
      boolean measured = iteration.recorder().measured(iteration.intendedNanos());
      Iteration recorded = measured ? iteration : new Iteration(iteration.intendedNanos(), iteration.stage(), UNMEASURED);
      // drawn now, in visit order, so that the choices follow --seed whatever order the answers come in
      int agentDraw = random.nextInt(Integer.MAX_VALUE);
      return new Visit(recorded, visit, agentDraw).run().onComplete(outcome -> {
        if (measured && outcome.succeeded()) {
          completed++;
        }
      });
    }

    @Override
    public Future<Void> tearDown() {
      return http.close();
    }

    JsonObject result(int messagesPerVisit) {
      long failed = failedAt.values().stream().mapToLong(Long::longValue).sum();
      return new JsonObject().put("visits", new JsonObject().put("completed", completed).put("failed", failed)
              .put("failedAtStep", new JsonObject(new TreeMap<>(failedAt))))
          .put("messagesPerVisit", messagesPerVisit).put("listSessions", listSessions)
          .put("thinkMillis", thinkMillis).put("steps", new JsonArray(STEPS));
    }

    /** One user's way through the app; each step starts when the one before ended (plus the think time). */
    private final class Visit {
      private final Iteration iteration;
      private final long visit;
      private final int agentDraw;
      private long stepStart;
      private String step = "token";
      private String token = options.token();
      private String sessionId;

      Visit(Iteration iteration, long visit, int agentDraw) {
        this.iteration = iteration;
        this.visit = visit;
        this.agentDraw = agentDraw;
        this.stepStart = iteration.intendedNanos();
      }

      Future<Void> run() {
        return token()
            .compose(v -> next("agents", HttpMethod.GET, ceiling ? "/json" : "/api/v1/agents", null))
            .compose(agents -> next("session", HttpMethod.POST, ceiling ? "/insert" : "/api/v1/sessions",
                new JsonObject().put("agentId", pickAgent(agents.body())).toBuffer()))
            .compose(session -> {
              sessionId = ceiling ? null : session.json().getString("id");
              return exchange(0);
            })
            .compose(v -> !listSessions ? Future.<Void>succeededFuture()
                : next("sessions", HttpMethod.GET, ceiling ? "/db" : "/api/v1/sessions?limit=20", null).<Void>mapEmpty())
            .onSuccess(v -> iteration.recorder().time("visit", iteration.intendedNanos(), System.nanoTime()))
            .onFailure(e -> {
              if (iteration.recorder() != UNMEASURED) {
                failedAt.merge(step, 1L, Long::sum);
              }
            });
      }

      private Future<Void> token() {
        if (ceiling) {
          return send("token", HttpMethod.GET, "/plain", null).mapEmpty();
        }
        if (token != null) {
          return Future.succeededFuture();
        }
        Buffer body = new JsonObject().put("userId", "perf-journey-" + run + "-" + visit).toBuffer();
        return send("token", HttpMethod.POST, "/api/v1/auth/dev-token", body)
            .map(answer -> {
              token = answer.json().getString("token");
              return null;
            });
      }

      /** Message {@code m} and then the history, for {@code m} up to {@code --messages}. */
      private Future<Void> exchange(int m) {
        if (m >= messages) {
          return Future.succeededFuture();
        }
        return pause().compose(v -> {
          step = "message";
          long start = stepStart;
          Buffer body = new JsonObject().put("content", Prompts.get(visit * messages + m)).toBuffer();
          StreamReply reply = SseStream.send(http, ceiling ? "/sse" : "/api/v1/sessions/" + sessionId + "/messages",
              token, body, Dialect.GENESIS);
          return reply.future().andThen(ended -> {
            reply.record(iteration, "message", start);
            stepStart = reply.endNanos();
          });
        }).compose(v -> next("history", HttpMethod.GET,
                ceiling ? "/db" : "/api/v1/sessions/" + sessionId + "/messages?limit=20", null))
            .compose(v -> exchange(m + 1));
      }

      /** The think time, then the step. */
      private Future<HttpTarget.Answer> next(String name, HttpMethod method, String uri, Buffer body) {
        return pause().compose(v -> send(name, method, uri, body));
      }

      private Future<HttpTarget.Answer> send(String name, HttpMethod method, String uri, Buffer body) {
        step = name;
        return http.send(iteration, name, stepStart, method, uri, ceiling ? null : token, body)
            .onComplete(answered -> stepStart = System.nanoTime());
      }

      /** Waits {@code --think}; the next step is timed from when it was due, the end of the pause. */
      private Future<Void> pause() {
        if (thinkMillis == 0) {
          return Future.succeededFuture();
        }
        stepStart += thinkMillis * 1_000_000;
        return vertx.timer(thinkMillis);
      }

      private String pickAgent(Buffer agents) {
        List<String> ids = new ArrayList<>();
        if (!ceiling) {
          try {
            new JsonArray(agents).forEach(agent -> {
              if (agent instanceof JsonObject json && json.getString("id") != null) {
                ids.add(json.getString("id"));
              }
            });
          } catch (RuntimeException e) {
            // not a list: draw from the built-in ids
          }
        }
        List<String> from = ids.isEmpty() ? AGENTS : ids;
        return from.get(agentDraw % from.size());
      }
    }
  }
}
