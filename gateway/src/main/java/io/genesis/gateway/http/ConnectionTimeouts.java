package io.genesis.gateway.http;

import io.genesis.common.config.HttpSettings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes connections that hold a place without asking for anything: a new connection that has not
 * sent a complete request head within the header timeout (nothing at all, or half a head), and a
 * kept-alive one whose next request head has not come within the idle timeout after its last answer.
 * A connection with a request in flight is never timed here, so streams (SSE, WebSocket) and answers
 * waiting on a slow model run on; only the server's idle timeout (no byte either way) still applies.
 *
 * <p>One per gateway verticle: its connections and requests all run on the verticle's event loop.
 * Mount {@link #connectionHandler()} on the server and {@link #handle} first on the router.
 */
public final class ConnectionTimeouts implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final long headerMillis;
  private final long idleMillis;
  private final Map<HttpConnection, Watch> watches = new HashMap<>();

  /** A connection's requests in flight, and the timer that closes it while it has none. */
  private static final class Watch {
    int inFlight;
    long timer = -1;
  }

  public ConnectionTimeouts(Vertx vertx, HttpSettings settings) {
    this.vertx = vertx;
    this.headerMillis = settings.headerTimeoutMillis();
    this.idleMillis = settings.idleTimeoutMillis();
  }

  /** A new connection has the header timeout to send its first request head. */
  public Handler<HttpConnection> connectionHandler() {
    return connection -> {
      Watch watch = new Watch();
      watches.put(connection, watch);
      arm(connection, watch, headerMillis);
      connection.closeHandler(closed -> {
        Watch gone = watches.remove(connection);
        if (gone != null) {
          vertx.cancelTimer(gone.timer);
        }
      });
    };
  }

  /** A request head has arrived: its connection is busy until the answer ends. */
  @Override
  public void handle(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    Watch watch = watches.get(connection);
    if (watch != null) {
      vertx.cancelTimer(watch.timer);
      watch.timer = -1;
      watch.inFlight++;
      ctx.addEndHandler(ended -> {
        // A WebSocket keeps its connection busy after the upgrade's 101: the socket is timed by its own traffic.
        if (--watch.inFlight == 0 && ctx.response().getStatusCode() != 101 && watches.get(connection) == watch) {
          arm(connection, watch, idleMillis);
        }
      });
    }
    ctx.next();
  }

  private void arm(HttpConnection connection, Watch watch, long millis) {
    watch.timer = vertx.setTimer(millis, fired -> {
      watch.timer = -1;
      if (watch.inFlight == 0) {
        connection.close();
      }
    });
  }
}
