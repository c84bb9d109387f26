package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.LoadRunner;
import io.genesis.perf.load.ProcessMemory;
import io.genesis.perf.load.Recorder;
import io.genesis.perf.load.Schedule;
import io.genesis.perf.load.Workload;
import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.SseStream.Dialect;
import io.genesis.perf.scenario.Users.User;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code connections}: how many connections GENESIS holds, and what each costs it. Before the clock,
 * opens {@code --held 1000} WebSockets at {@code --open-rate 200} a second across {@code --users} users,
 * each open timed from when it was due ({@code connect}). Then, for {@code --hold 60s} (after the
 * warm-up), {@code --active 5} virtual users chat on them, each sending a message and waiting for its
 * reply before the next ({@code message}, {@code ttft}); the others stay idle but for a WebSocket PING
 * every {@code --ping 30s}, which keeps the server's idle timeout away. Then everything is closed.
 * With {@code --transport sse} the connections are message streams, held open as long as the model is
 * slow (start GENESIS with {@code GENESIS_OFFLINE_TOKEN_DELAY_MS}, or in front of a slow fake upstream);
 * the hold ends early once all of them have ended. The result: connections opened, held at most at
 * once and at the end, failed opens and closes by the server (by reason), and with {@code --server-pid}
 * the server's resident memory before, after opening and at the end, and per connection held.
 */
public final class ConnectionsScenario implements Scenario {
  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    Transport transport = Transport.read(args, Transport.WS);
    int held = args.integer("--held", 1000, 0);
    double openRate = args.number("--open-rate", 200, 0.001);
    int active = args.integer("--active", 5, 0);
    double hold = args.duration("--hold", Duration.ofSeconds(60)).toNanos() / 1e9;
    Duration ping = args.duration("--ping", Duration.ofSeconds(30));
    String agent = args.string("--agent", "volt");
    String message = args.string("--message", null);
    if (options.against() == Against.UPSTREAM || (options.against() == Against.CEILING && transport == Transport.SSE)) {
      throw new IllegalArgumentException("connections runs --against genesis, or --against ceiling with --transport ws");
    }
    if (transport == Transport.OPENAI) {
      throw new IllegalArgumentException("connections holds --transport ws or sse");
    }
    if (transport == Transport.WS && active > 0 && held == 0) {
      throw new IllegalArgumentException("--active chats on the held sockets: --held must be at least 1");
    }
    double warmup = options.warmup().toNanos() / 1e9;
    // no active users: an open model that sends nothing holds for as long
    LoadModel model = active > 0 ? LoadModel.closed(active, hold, Long.MAX_VALUE, warmup)
        : LoadModel.open(Schedule.constant(0, hold), warmup, 1);
    int pool = Math.max(options.connections(), transport == Transport.SSE ? held + active + 16 : 0);
    HttpTarget http = new HttpTarget(vertx, options.target(), pool, options.timeout(), options.tls());
    Holder holder = new Holder(vertx, http, options, transport, held, active, openRate, ping, agent, message);
    return progress -> {
      ProcessMemory memory = options.serverPid() == null ? null : new ProcessMemory(vertx, options.serverPid());
      double drain = Math.min(30, options.timeout().toMillis() / 1000.0 + 1);
      LoadRunner runner = new LoadRunner(vertx, holder, model, options.lateTolerance().toNanos(), drain, memory)
          .onProgress(progress);
      holder.runner = runner;
      holder.memory = memory;
      return Runs.run("connections", options, runner).map(summary -> {
        if (holder.opening.named("connect") != null) {
          summary.getJsonObject("latency").put("connect", holder.opening.named("connect").toJson(holder.openingSeconds));
        }
        return summary.put("result", holder.result(hold));
      });
    };
  }

  /** The connections held, the opening that makes them, and the active users' messages. */
  private static final class Holder implements Workload {
    private final Vertx vertx;
    private final HttpTarget http;
    private final RunOptions options;
    private final Transport transport;
    private final int held;
    private final int active;
    private final double openRate;
    private final long pingMillis;
    private final String agent;
    private final String message;
    private final WebSocketClient wsClient;
    private final WebSocketConnectOptions wsTemplate;
    /** Records the opens only, with no warm-up: they happen before the run's clock. */
    final Recorder opening = new Recorder(Long.MIN_VALUE);
    private final List<Socket> sockets = new ArrayList<>();
    private final List<StreamReply> streams = new ArrayList<>();
    private final Map<String, Long> failedOpens = new TreeMap<>();
    private final Map<String, Long> closedByServer = new TreeMap<>();
    LoadRunner runner;
    ProcessMemory memory;
    private List<User> users = List.of();
    private String firstFailedOpen;
    double openingSeconds;
    private int openNow;
    private int maxOpen;
    private int atEnd = -1;
    private long finished;
    private double beforeMb = -1;
    private double openedMb = -1;
    private double endMb = -1;
    private boolean closing;
    private long timer = -1;
    private long sent;

    private record Socket(ChatSocketClient client, User user) {}

    Holder(Vertx vertx, HttpTarget http, RunOptions options, Transport transport, int held, int active,
           double openRate, Duration ping, String agent, String message) {
      this.vertx = vertx;
      this.http = http;
      this.options = options;
      this.transport = transport;
      this.held = held;
      this.active = active;
      this.openRate = openRate;
      this.pingMillis = ping.toMillis();
      this.agent = agent;
      this.message = message;
      boolean ws = transport == Transport.WS;
      this.wsClient = ws ? vertx.createWebSocketClient(http.webSocketOptions(new WebSocketClientOptions()).setTcpNoDelay(true)
          .setMaxConnections(held + 16)) : null;
      this.wsTemplate = ws ? ChatSocketClient.template(http, options.timeout().toMillis()) : null;
    }

    @Override
    public Future<Void> setUp() {
      Future<List<User>> prepared = options.against() == Against.GENESIS
          ? Users.create(http, options.users(), options.token(), agent, false)
          : Future.succeededFuture(Users.anonymous(options.users()));
      return prepared
          .compose(created -> {
            users = created;
            return sample();
          })
          .compose(mb -> {
            beforeMb = mb;
            return openAll();
          })
          .compose(opened -> sample())
          .map(mb -> {
            openedMb = mb;
            watch();
            return null;
          });
    }

    private Future<Double> sample() {
      return memory == null ? Future.succeededFuture(-1.0) : memory.sample();
    }

    /** Opens connection k at k / rate seconds (a 1 ms timer sends all that are due); completes once all have answered. */
    private Future<Void> openAll() {
      if (held == 0) {
        return Future.succeededFuture();
      }
      Promise<Void> all = Promise.promise();
      long start = System.nanoTime();
      int[] next = {0};
      int[] settled = {0};
      vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (next[0] < held) {
          long due = start + Math.round(next[0] * 1e9 / openRate);
          if (due > now) {
            break;
          }
          open(next[0]++, due).onComplete(done -> {
            if (++settled[0] == held) {
              openingSeconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
              all.complete();
            }
          });
        }
        if (next[0] >= held) {
          vertx.cancelTimer(id);
        }
      });
      return all.future();
    }

    private Future<Void> open(int k, long due) {
      User user = users.get(k % users.size());
      if (transport == Transport.WS) {
        return ChatSocketClient.connect(wsClient, wsTemplate, user.token()).transform(outcome -> {
          if (outcome.failed()) {
            failedOpen(due, ChatSocketClient.failureOf(outcome.cause()), outcome.cause().getMessage());
          } else {
            opened(due);
            sockets.add(new Socket(outcome.result(), user));
            outcome.result().onClosedByServer(reason -> {
              openNow--;
              closedByServer.merge(reason, 1L, Long::sum);
            });
          }
          return Future.succeededFuture();
        });
      }
      StreamReply stream = SseStream.send(http, "/api/v1/sessions/" + user.sessionId() + "/messages", user.token(),
          new JsonObject().put("content", content(k)).toBuffer(), Dialect.GENESIS);
      return stream.head().transform(outcome -> {
        if (outcome.failed()) {
          failedOpen(due, stream.failure(), outcome.cause().getMessage());
          return Future.succeededFuture();
        }
        opened(due);
        streams.add(stream);
        stream.future().onComplete(ended -> {
          openNow--;
          if (ended.succeeded()) {
            finished++;
          } else if (!closing) {
            closedByServer.merge(stream.failure(), 1L, Long::sum);
          }
        });
        return Future.succeededFuture();
      });
    }

    private void opened(long due) {
      opening.request("connect", 0, due, System.nanoTime(), null);
      maxOpen = Math.max(maxOpen, ++openNow);
    }

    private void failedOpen(long due, String reason, String detail) {
      opening.request("connect", 0, due, System.nanoTime(), reason);
      failedOpens.merge(reason, 1L, Long::sum);
      if (firstFailedOpen == null) {
        firstFailedOpen = reason + ": " + detail;
      }
    }

    /** Pings idle sockets; ends an SSE hold early once every stream has ended. */
    private void watch() {
      if (transport == Transport.WS && pingMillis > 0) {
        timer = vertx.setPeriodic(pingMillis, id -> sockets.forEach(socket -> socket.client().ping()));
      } else if (transport == Transport.SSE && held > 0) {
        timer = vertx.setPeriodic(100, id -> {
          if (openNow == 0 && runner.recorder() != null) {
            vertx.cancelTimer(id);
            runner.stop();
          }
        });
      }
    }

    @Override
    public Future<Void> iterate(Iteration iteration) {
      long i = sent++;
      StreamReply reply;
      if (transport == Transport.SSE) {
        User user = users.get((int) (i % users.size()));
        reply = SseStream.send(http, "/api/v1/sessions/" + user.sessionId() + "/messages", user.token(),
            new JsonObject().put("content", content(i)).toBuffer(), Dialect.GENESIS);
      } else {
        Socket socket = openSocket(i);
        if (socket == null) {
          return vertx.timer(100).compose(later -> {
            iteration.request("message", System.nanoTime(), "closed");
            return Future.failedFuture("no held socket is open");
          });
        }
        reply = socket.client().send(socket.user().sessionId(), content(i));
      }
      return reply.future().andThen(ended -> {
        reply.record(iteration, "message", iteration.intendedNanos());
      });
    }

    /** The first {@code --active} sockets in turn; when one has closed, the next open one. */
    private Socket openSocket(long i) {
      int first = Math.max(1, Math.min(sockets.size(), active));
      for (int tried = 0; tried < sockets.size(); tried++) {
        Socket socket = sockets.get((int) ((i % first + tried) % sockets.size()));
        if (socket.client().isOpen()) {
          return socket;
        }
      }
      return null;
    }

    private String content(long i) {
      return message != null ? message : Prompts.get(i);
    }

    /** Called as the run's summary is made, the moment the hold has ended: what is held then. */
    @Override
    public JsonObject figures() {
      atEnd = transport == Transport.WS ? (int) sockets.stream().filter(s -> s.client().isOpen()).count()
          : (int) streams.stream().filter(s -> !s.isEnded()).count();
      endMb = memory == null ? -1 : memory.lastMb();
      return new JsonObject();
    }

    @Override
    public Future<Void> tearDown() {
      closing = true;
      vertx.cancelTimer(timer);
      streams.forEach(StreamReply::cancel);
      List<Future<Void>> closed = new ArrayList<>();
      sockets.forEach(socket -> closed.add(socket.client().close()));
      return Future.join(closed)
          .transform(done -> wsClient == null ? Future.<Void>succeededFuture() : wsClient.close())
          .transform(done -> http.close());
    }

    JsonObject result(double hold) {
      long failed = failedOpens.values().stream().mapToLong(Long::longValue).sum();
      long cut = closedByServer.values().stream().mapToLong(Long::longValue).sum();
      int opened = held - (int) failed;
      JsonObject result = new JsonObject().put("transport", transport.label()).put("target", held)
          .put("opened", opened).put("heldMax", maxOpen).put("heldAtEnd", atEnd)
          .put("failedOpens", new JsonObject().put("count", failed).put("byReason", new JsonObject(new TreeMap<>(failedOpens)))
              .put("first", firstFailedOpen))
          .put("closedByServer", new JsonObject().put("count", cut).put("byReason", new JsonObject(new TreeMap<>(closedByServer))))
          .put("opening", new JsonObject().put("seconds", round(openingSeconds)).put("targetRate", openRate)
              .put("achievedRate", openingSeconds == 0 ? 0 : round(opened / openingSeconds)))
          .put("active", active).put("holdSeconds", hold)
          .put("roadmap", new JsonObject().put("concurrentUsers", 10_000));
      if (transport == Transport.SSE) {
        result.put("finishedDuringHold", finished);
      }
      if (memory != null) {
        JsonObject rss = new JsonObject().put("beforeMb", beforeMb).put("openedMb", openedMb).put("endMb", endMb);
        if (opened > 0 && beforeMb >= 0 && openedMb >= 0) {
          rss.put("perConnectionKb", round((openedMb - beforeMb) * 1024 / opened));
        }
        result.put("serverMemory", rss);
      }
      return result;
    }

    private static double round(double value) {
      return Math.round(value * 10) / 10.0;
    }
  }
}
