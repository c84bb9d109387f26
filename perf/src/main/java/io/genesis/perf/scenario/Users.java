package io.genesis.perf.scenario;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * GENESIS users for a run, set up before the clock starts: a development token each (or the one
 * given with {@code --token}), a session, and one exchange in it so that history reads return data.
 */
public final class Users {
  private static final int SET_UP_IN_PARALLEL = 8;

  /**
   * A user, their token and their session; {@code seededReplyId} is the reply of the exchange seeded at
   * set-up (null without one): history before it is an older page, which GENESIS reads from PostgreSQL.
   */
  public record User(String id, String token, String sessionId, String seededReplyId) {
    public User(String id, String token, String sessionId) {
      this(id, token, sessionId, null);
    }
  }

  private Users() {}

  public static Future<List<User>> create(HttpTarget http, int count, String sharedToken, String agentId, boolean seed) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    return bounded(count, i -> token(http, "perf-" + run + "-" + i, sharedToken)
        .compose(user -> http.call(HttpMethod.POST, "/api/v1/sessions", user.token(), new JsonObject().put("agentId", agentId))
            .map(session -> new User(user.id(), user.token(), session.getString("id"))))
        .compose(user -> !seed ? Future.succeededFuture(user)
            : http.call(HttpMethod.POST, "/api/v1/sessions/" + user.sessionId() + "/messages", user.token(),
                new JsonObject().put("content", Prompts.get(i))).map(exchange -> new User(user.id(), user.token(),
                user.sessionId(), exchange.getJsonObject("reply").getString("id")))));
  }

  /** For the ceiling, which needs no sign-in: {@code count} unnamed users without token or session. */
  public static List<User> anonymous(int count) {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      users.add(new User("ceiling-" + i, null, null));
    }
    return users;
  }

  /** A development token for {@code userId}, unless a shared token was given. */
  public static Future<User> token(HttpTarget http, String userId, String sharedToken) {
    if (sharedToken != null) {
      return Future.succeededFuture(new User(userId, sharedToken, null));
    }
    return http.call(HttpMethod.POST, "/api/v1/auth/dev-token", null, new JsonObject().put("userId", userId))
        .map(answer -> new User(userId, answer.getString("token"), null))
        .recover(e -> Future.failedFuture("could not mint a development token (" + e.getMessage()
            + "); start GENESIS with development tokens on, or pass --token"));
  }

  /** {@code count} calls, at most {@value #SET_UP_IN_PARALLEL} at a time, results in order; the first failure fails all. */
  static <T> Future<List<T>> bounded(int count, IntFunction<Future<T>> call) {
    Object[] results = new Object[count];
    Promise<List<T>> all = Promise.promise();
    int[] next = {0};
    int[] done = {0};
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      if (next[0] >= count) {
        return;
      }
      int i = next[0]++;
      call.apply(i).onFailure(all::tryFail).onSuccess(result -> {
        results[i] = result;
        if (++done[0] == count) {
          @SuppressWarnings("unchecked")
          List<T> list = (List<T>) new ArrayList<>(Arrays.asList(results));
          all.tryComplete(list);
        } else {
          launch[0].run();
        }
      });
    };
    if (count == 0) {
      return Future.succeededFuture(List.of());
    }
    for (int i = 0; i < Math.min(SET_UP_IN_PARALLEL, count); i++) {
      launch[0].run();
    }
    return all.future();
  }
}
