package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.fake.FakeUpstream;
import io.genesis.perf.load.LoadModel;
import io.genesis.perf.load.Workload;
import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.SseStream.Dialect;
import io.genesis.perf.scenario.Users.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code streaming}: each iteration sends one chat message and reads its streamed reply, recorded as
 * {@code stream} (from the iteration's intended start to the end of the reply), with its time to first
 * delta ({@code ttft}), its {@code deltas} and {@code tokensPerSecond}. Over {@code --transport sse}
 * (a POST per message) or {@code ws} (one socket per user, opened before the clock; message i goes to
 * socket i mod users, a closed socket is reopened when its turn comes), or {@code openai} (GENESIS's stateless
 * {@code POST /v1/chat/completions}, {@code stream: true}, model {@code --agent}: nothing is stored). {@code --against ceiling} streams
 * perf's ceiling route ({@code POST /sse}: 60 deltas, nothing behind) and {@code --against upstream} an
 * OpenAI-compatible server straight ({@code POST …/v1/chat/completions}, e.g. the fake upstream): the same
 * load against each gives the floor and the model's own share, so what GENESIS adds is the difference.
 * {@code --reconnect-rate F} (GENESIS over {@code sse} or {@code ws}): that fraction of the streams (chosen
 * with {@code --seed}) is cut after a random number of deltas and resumed ({@link ResumableStream}); the
 * figures count them ({@code resumed}, {@code verified}, {@code mismatched}: a mismatch is also an error of
 * its stream) and {@code resume} is the resume's latency.
 * Default load: the seeds' 15 concurrent conversations, {@code --vus 15} for 30 s.
 */
public final class StreamingScenario implements Scenario {
  @Override
  public Prepared prepare(Vertx vertx, Args args) {
    RunOptions options = RunOptions.read(args);
    Transport transport = Transport.read(args, Transport.SSE);
    String agent = args.string("--agent", "volt");
    String message = args.string("--message", null);
    String model = args.string("--model", FakeUpstream.MODEL);
    double reconnectRate = args.ratio("--reconnect-rate", 0);
    if (reconnectRate > 0 && (options.against() != Against.GENESIS || transport == Transport.OPENAI)) {
      throw new IllegalArgumentException("--reconnect-rate needs --against genesis and --transport sse or ws"
          + " (only GENESIS's session streams resume)");
    }
    if (transport == Transport.WS && options.against() == Against.UPSTREAM) {
      throw new IllegalArgumentException("--transport ws needs --against genesis or ceiling (upstreams stream SSE only)");
    }
    if (transport == Transport.OPENAI && options.against() == Against.CEILING) {
      throw new IllegalArgumentException("--transport openai needs --against genesis or upstream (the ceiling has no /v1 route)");
    }
    int conversations = Seeds.streaming().getInteger("concurrentConversations");
    LoadModel load = options.model(args, LoadModel.closed(conversations, 30, Long.MAX_VALUE, 0));
    HttpTarget http = new HttpTarget(vertx, options.target(), options.connections(), options.timeout(), options.tls());
    Streams workload = new Streams(vertx, http, options, transport, agent, message, model, reconnectRate);
    return progress -> Runs.run("streaming", options, Runs.runner(vertx, options, load, workload, progress))
        .map(summary -> summary.put("result", result(summary, transport)));
  }

  private static JsonObject result(JsonObject summary, Transport transport) {
    JsonObject seeds = Seeds.streaming();
    // streams that had started answering (head or first event) and had not ended, at most at once
    int held = summary.getJsonObject("figures").getInteger("streamsOpenMax");
    JsonObject result = new JsonObject().put("transport", transport.label()).put("seeds", seeds)
        .put("streamsHeldMax", held)
        .put("streamsHeldVsSeeds", BaselineScenario.ratio(held, seeds.getInteger("concurrentConversations")))
        .put("roadmap", new JsonObject().put("firstTokenMillis", 1000));
    JsonObject ttft = summary.getJsonObject("values").getJsonObject("ttft");
    if (ttft != null && ttft.containsKey("p95")) {
      result.put("ttftP95Millis", ttft.getDouble("p95")).put("ttftP95UnderRoadmap", ttft.getDouble("p95") < 1000);
    }
    return result;
  }

  /** One message and its streamed reply per iteration. */
  private static final class Streams implements Workload {
    private final HttpTarget http;
    private final RunOptions options;
    private final Transport transport;
    private final String agent;
    private final String message;
    private final String model;
    private final WebSocketClient wsClient;
    private final WebSocketConnectOptions wsTemplate;
    private List<User> users = List.of();
    /** GENESIS over SSE: each user's message request, built once. */
    private final List<RequestOptions> userStreams = new ArrayList<>();
    private RequestOptions ceilingStream;
    private final Buffer messageBody;
    private final List<Future<ChatSocketClient>> sockets = new ArrayList<>();
    private long sent;
    private long reconnects;
    private int streamsOpen;
    private int streamsOpenMax;
    private final double reconnectRate;
    /** Which streams are cut, and after how many deltas: the same choices for the same --seed. */
    private final Random random;
    /** The deltas of the streams that ended with done, to cut within a reply's usual length. */
    private long doneStreams;
    private long doneDeltas;
    private long cut;
    private long endedBeforeCut;
    private long verified;
    private long mismatched;

    Streams(Vertx vertx, HttpTarget http, RunOptions options, Transport transport, String agent, String message,
            String model, double reconnectRate) {
      this.http = http;
      this.reconnectRate = reconnectRate;
      this.random = new Random(options.seed());
      this.options = options;
      this.transport = transport;
      this.agent = agent;
      this.message = message;
      this.model = model;
      this.messageBody = message == null ? null : Prompts.body(message);
      boolean ws = transport == Transport.WS;
      this.wsClient = ws ? vertx.createWebSocketClient(http.webSocketOptions(new WebSocketClientOptions()).setTcpNoDelay(true)
          .setMaxConnections(options.users() + (reconnectRate > 0 ? 4096 : 64))) : null;
      this.wsTemplate = ws ? ChatSocketClient.template(http, options.timeout().toMillis()) : null;
    }

    @Override
    public Future<Void> setUp() {
      if (options.against() == Against.CEILING && transport == Transport.SSE) {
        ceilingStream = http.prepareStream("/sse", null);
      }
      if (options.against() == Against.UPSTREAM || (options.against() == Against.CEILING && transport == Transport.SSE)) {
        return Future.succeededFuture();
      }
      Future<List<User>> prepared = options.against() == Against.GENESIS
          ? Users.create(http, options.users(), options.token(), agent, false)
          : Future.succeededFuture(Users.anonymous(options.users()));
      return prepared.compose(created -> {
        users = created;
        if (transport == Transport.SSE) {
          created.forEach(user -> userStreams.add(http.prepareStream(
              "/api/v1/sessions/" + user.sessionId() + "/messages", user.token())));
        }
        if (transport != Transport.WS) {
          return Future.succeededFuture();
        }
        return Users.bounded(created.size(), i -> ChatSocketClient.connect(wsClient, wsTemplate, created.get(i).token()))
            .map(opened -> {
              opened.forEach(socket -> sockets.add(Future.succeededFuture(socket)));
              return null;
            });
      });
    }

    @Override
    public Future<Void> iterate(Iteration iteration) {
      long i = sent++;
      String content = message != null ? message : Prompts.get(i);
      if (reconnectRate > 0 && random.nextDouble() < reconnectRate) {
        return resumable(iteration, i, content);
      }
      Future<StreamReply> reply = switch (options.against()) {
        case UPSTREAM -> Future.succeededFuture(SseStream.send(http, completionsPath(), null, completionBody(model, content),
            Dialect.OPENAI));
        case CEILING -> transport == Transport.SSE
            ? Future.succeededFuture(SseStream.send(http, ceilingStream, body(i), Dialect.GENESIS))
            : socket((int) (i % users.size())).map(socket -> socket.send(null, content));
        case GENESIS -> {
          User user = users.get((int) (i % users.size()));
          yield switch (transport) {
            case SSE -> Future.succeededFuture(SseStream.send(http, userStreams.get((int) (i % users.size())), body(i),
                Dialect.GENESIS));
            case WS -> socket((int) (i % users.size())).map(socket -> socket.send(user.sessionId(), content));
            case OPENAI -> Future.succeededFuture(SseStream.send(http, "/v1/chat/completions", user.token(),
                completionBody(agent, content), Dialect.OPENAI));
          };
        }
      };
      return reply.transform(ready -> {
        if (ready.failed()) {
          iteration.request("stream", System.nanoTime(), ChatSocketClient.failureOf(ready.cause()));
          return Future.failedFuture(ready.cause());
        }
        return held(iteration, ready.result());
      });
    }

    private Future<Void> held(Iteration iteration, StreamReply streamed) {
      streamed.head().onSuccess(opened -> streamsOpenMax = Math.max(streamsOpenMax, ++streamsOpen));
      return streamed.future().andThen(ended -> {
        if (streamed.head().succeeded()) {
          streamsOpen--;
        }
        if (ended.succeeded()) {
          doneStreams++;
          doneDeltas += streamed.deltas();
        }
        streamed.record(iteration, "stream", iteration.intendedNanos());
      });
    }

    /** Message {@code i} as a stream to cut after a random number of deltas, below the mean so far, and resume. */
    private Future<Void> resumable(Iteration iteration, long i, String content) {
      int k = (int) (i % users.size());
      User user = users.get(k);
      int mean = doneStreams == 0 ? 10 : (int) Math.max(1, doneDeltas / doneStreams);
      int cutAfter = random.nextInt(mean);
      ResumableStream stream = transport == Transport.SSE
          ? ResumableStream.overSse(http, userStreams.get(k), body(i), user.sessionId(), user.token(), cutAfter)
          : ResumableStream.overWebSocket(() -> ChatSocketClient.connect(wsClient, wsTemplate, user.token()),
              user.sessionId(), content, cutAfter);
      return held(iteration, stream.reply()).andThen(ended -> {
        stream.record(iteration);
        if (!iteration.recorder().measured(iteration.intendedNanos())) {
          return;
        }
        if (!stream.resumed()) {
          endedBeforeCut += ended.succeeded() ? 1 : 0;
        } else {
          cut++;
          verified += Boolean.TRUE.equals(stream.verified()) ? 1 : 0;
          mismatched += Boolean.FALSE.equals(stream.verified()) ? 1 : 0;
        }
      });
    }

    /** User {@code k}'s socket, reopened (once, whoever asks) when it has closed. */
    private Future<ChatSocketClient> socket(int k) {
      Future<ChatSocketClient> current = sockets.get(k);
      if (current.isComplete() && (current.failed() || !current.result().isOpen())) {
        reconnects++;
        current = ChatSocketClient.connect(wsClient, wsTemplate, users.get(k).token());
        sockets.set(k, current);
      }
      return current;
    }

    /** Message {@code i}'s body: {@code --message}, or prompt {@code i}, encoded once. */
    private Buffer body(long i) {
      return messageBody != null ? messageBody : Prompts.bodyOf(i);
    }

    private static Buffer completionBody(String model, String content) {
      return new JsonObject().put("model", model).put("stream", true)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)))
          .toBuffer();
    }

    /** {@code --target}'s path then {@code /v1/chat/completions}; a path that already ends in {@code /v1} is kept. */
    private String completionsPath() {
      String path = options.target().getPath() == null ? "" : options.target().getPath().replaceAll("/+$", "");
      return (path.endsWith("/v1") ? path : path + "/v1") + "/chat/completions";
    }

    @Override
    public Future<Void> tearDown() {
      List<Future<Void>> closing = new ArrayList<>();
      sockets.forEach(socket -> closing.add(socket.succeeded() ? socket.result().close() : Future.succeededFuture()));
      return Future.join(closing)
          .transform(closed -> wsClient == null ? Future.<Void>succeededFuture() : wsClient.close())
          .transform(closed -> http.close());
    }

    @Override
    public JsonObject figures() {
      JsonObject figures = new JsonObject().put("streamsOpenMax", streamsOpenMax);
      if (reconnectRate > 0) {
        figures.put("reconnectRate", reconnectRate).put("resumed", cut).put("verified", verified)
            .put("mismatched", mismatched).put("endedBeforeCut", endedBeforeCut);
      }
      return transport == Transport.WS ? figures.put("sockets", sockets.size()).put("reconnects", reconnects) : figures;
    }
  }
}
