package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.Workload;
import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.Users.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One request per iteration, drawn from a weighted mix ({@code --mix agents:20,session:20,history:30,message:30}),
 * sent as one of the users in turn. The mix and the order of users follow {@code --seed}. Each user's
 * request of each kind is built once before the clock starts, and the answers' bodies are not kept
 * (only their status is checked): the generator's work per request stays close to wrk's.
 */
public final class MixWorkload implements Workload {
  public static final String DEFAULT_MIX = "agents:20,session:20,history:30,message:30";
  private final HttpTarget http;
  private final RunOptions options;
  private final List<RequestKind> kinds = new ArrayList<>();
  private final int[] cumulative;
  private final Random random;
  private List<User> users = List.of(new User("anonymous", null, null));
  /** By user, then by kind. */
  private RequestOptions[][] requests;
  private long sent;

  public MixWorkload(HttpTarget http, RunOptions options, String mix) {
    this.http = http;
    this.options = options;
    this.random = new Random(options.seed());
    String[] parts = mix.split(",");
    this.cumulative = new int[parts.length];
    int total = 0;
    for (int k = 0; k < parts.length; k++) {
      String[] pieces = parts[k].split(":");
      int weight = pieces.length > 1 ? Integer.parseInt(pieces[1].trim()) : 1;
      if (weight <= 0) {
        throw new IllegalArgumentException("--mix weights must be positive, got '" + parts[k] + "'");
      }
      total += weight;
      kinds.add(RequestKind.of(pieces[0]));
      cumulative[k] = total;
    }
  }

  /** The workload of the request-level scenarios: {@code --mix} over the target, with the run's options. */
  static MixWorkload from(Vertx vertx, RunOptions options, Args args) {
    return new MixWorkload(new HttpTarget(vertx, options.target(), options.connections(), options.timeout(), options.tls()), options,
        args.string("--mix", DEFAULT_MIX));
  }

  @Override
  public Future<Void> setUp() {
    boolean needsUsers = options.against() == Against.GENESIS && kinds.stream().anyMatch(RequestKind::needsUser);
    Future<List<User>> ready = !needsUsers ? Future.succeededFuture(users)
        : Users.create(http, options.users(), options.token(), "volt", true);
    return ready.map(created -> {
      users = created;
      requests = new RequestOptions[users.size()][kinds.size()];
      for (int u = 0; u < users.size(); u++) {
        User user = users.get(u);
        String token = options.against() == Against.GENESIS ? user.token() : null;
        for (int k = 0; k < kinds.size(); k++) {
          RequestKind kind = kinds.get(k);
          requests[u][k] = http.prepare(kind.method(), kind.path(options.against(), user), token,
              kind.method() == HttpMethod.POST);
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> iterate(Iteration iteration) {
    int k = pick();
    RequestKind kind = kinds.get(k);
    long i = sent++;
    return http.send(iteration, kind.label(), iteration.intendedNanos(), requests[(int) (i % users.size())][k],
        kind.body(i)).mapEmpty();
  }

  private int pick() {
    int draw = random.nextInt(cumulative[cumulative.length - 1]);
    for (int k = 0; k < cumulative.length; k++) {
      if (draw < cumulative[k]) {
        return k;
      }
    }
    return cumulative.length - 1;
  }

  @Override
  public Future<Void> tearDown() {
    return http.close();
  }
}
