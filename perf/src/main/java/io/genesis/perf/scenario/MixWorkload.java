package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;
import io.genesis.perf.load.Workload;
import io.genesis.perf.scenario.RunOptions.Against;
import io.genesis.perf.scenario.Users.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One request per iteration, drawn from a weighted mix ({@code --mix agents:20,session:20,history:30,message:30}),
 * sent as one of the users in turn. The mix and the order of users follow {@code --seed}.
 */
public final class MixWorkload implements Workload {
  public static final String DEFAULT_MIX = "agents:20,session:20,history:30,message:30";
  private final HttpTarget http;
  private final RunOptions options;
  private final List<RequestKind> kinds = new ArrayList<>();
  private final List<Integer> cumulative = new ArrayList<>();
  private final Random random;
  private List<User> users = List.of(new User("anonymous", null, null));
  private long sent;

  public MixWorkload(HttpTarget http, RunOptions options, String mix) {
    this.http = http;
    this.options = options;
    this.random = new Random(options.seed());
    int total = 0;
    for (String part : mix.split(",")) {
      String[] pieces = part.split(":");
      int weight = pieces.length > 1 ? Integer.parseInt(pieces[1].trim()) : 1;
      if (weight <= 0) {
        throw new IllegalArgumentException("--mix weights must be positive, got '" + part + "'");
      }
      total += weight;
      kinds.add(RequestKind.of(pieces[0]));
      cumulative.add(total);
    }
  }

  /** The workload of the request-level scenarios: {@code --mix} over the target, with the run's options. */
  static MixWorkload from(Vertx vertx, RunOptions options, Args args) {
    return new MixWorkload(new HttpTarget(vertx, options.target(), options.connections(), options.timeout()), options,
        args.string("--mix", DEFAULT_MIX));
  }

  @Override
  public Future<Void> setUp() {
    boolean needsUsers = options.against() == Against.GENESIS && kinds.stream().anyMatch(RequestKind::needsUser);
    if (!needsUsers) {
      return Future.succeededFuture();
    }
    return Users.create(http, options.users(), options.token(), "volt", true).map(created -> {
      users = created;
      return null;
    });
  }

  @Override
  public Future<Void> iterate(Iteration iteration) {
    RequestKind kind = pick();
    User user = users.get((int) (sent % users.size()));
    long i = sent++;
    String token = options.against() == Against.GENESIS ? user.token() : null;
    return http.send(iteration, kind.label(), iteration.intendedNanos(), kind.method(), kind.path(options.against(), user),
        token, kind.body(i)).mapEmpty();
  }

  private RequestKind pick() {
    int draw = random.nextInt(cumulative.get(cumulative.size() - 1));
    for (int i = 0; i < kinds.size(); i++) {
      if (draw < cumulative.get(i)) {
        return kinds.get(i);
      }
    }
    return kinds.get(kinds.size() - 1);
  }

  @Override
  public Future<Void> tearDown() {
    return http.close();
  }
}
