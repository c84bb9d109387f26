package io.genesis.perf.scenario;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The request-level scenarios' connections, kept by perf as wrk keeps its own: at most {@code max}
 * HTTP/1.1 connections, each carrying one request at a time (no pipelining), a request waiting in
 * turn for a free one (it is still timed from when it was due). What the client's pool does for what
 * is measured, without its work per request (finding the endpoint, leasing, a context per request).
 * A connection that closed, failed its request or answered {@code Connection: close} is not reused.
 * Touched only from the run's event loop.
 */
final class Connections {
  private final HttpClientAgent client;
  private final HttpConnectOptions connect;
  private final int max;
  private final ArrayDeque<HttpClientConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Promise<HttpClientConnection>> waiting = new ArrayDeque<>();
  private final Set<HttpClientConnection> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private int connecting;

  Connections(HttpClientAgent client, String host, int port, boolean ssl, int max) {
    this.client = client;
    this.connect = new HttpConnectOptions().setHost(host).setPort(port).setSsl(ssl);
    this.max = max;
  }

  /** A connection of its own for one request: an idle one, a new one, or the next one freed. */
  Future<HttpClientConnection> acquire() {
    HttpClientConnection connection = idle.pollLast();
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    if (open.size() + connecting < max) {
      return open();
    }
    Promise<HttpClientConnection> turn = Promise.promise();
    waiting.add(turn);
    return turn.future();
  }

  /** Gives {@code connection} back after its request: to the next request waiting, else to the idle ones. */
  void release(HttpClientConnection connection, boolean reusable) {
    if (!reusable || !open.contains(connection)) {
      connection.close();
      return;
    }
    Promise<HttpClientConnection> next = waiting.poll();
    if (next != null) {
      next.complete(connection);
    } else {
      idle.addLast(connection);
    }
  }

  private Future<HttpClientConnection> open() {
    connecting++;
    return client.connect(connect).andThen(opened -> {
      connecting--;
      if (opened.succeeded()) {
        HttpClientConnection connection = opened.result();
        open.add(connection);
        connection.closeHandler(v -> closed(connection));
      } else {
        serveNextWaiting();
      }
    });
  }

  private void closed(HttpClientConnection connection) {
    open.remove(connection);
    idle.remove(connection);
    serveNextWaiting();
  }

  /** A place came free: the next request waiting gets a new connection. */
  private void serveNextWaiting() {
    Promise<HttpClientConnection> next = waiting.poll();
    if (next != null) {
      acquire().onComplete(next);
    }
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    new ArrayList<>(open).forEach(connection -> closing.add(connection.close()));
    waiting.forEach(turn -> turn.tryFail("the run is over"));
    waiting.clear();
    return Future.join(closing).mapEmpty();
  }
}
