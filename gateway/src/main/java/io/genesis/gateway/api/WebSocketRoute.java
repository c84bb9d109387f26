package io.genesis.gateway.api;

import io.genesis.common.error.ServiceException;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.ratelimit.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code GET /api/v1/ws}: the chat over a WebSocket (see {@link ChatSocket}). Mount it after its own
 * authentication, role and rate-limit handlers: the upgrade is refused with a problem (401, 403, 429)
 * before any socket exists. A request that is not an upgrade gets {@code 426}.
 */
public final class WebSocketRoute {
  public static final String PATH = "/api/v1/ws";

  private final Vertx vertx;
  private final Chat chat;
  private final RateLimiter limiter;
  private final int maxMessageBytes;
  /** This gateway instance's open sockets (all on its event loop), for {@link #shutDown}. */
  private final Set<ChatSocket> sockets = new HashSet<>();
  private boolean shuttingDown;

  public WebSocketRoute(Vertx vertx, Chat chat, RateLimiter limiter, int maxMessageBytes) {
    this.vertx = vertx;
    this.chat = chat;
    this.limiter = limiter;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The WebSocket settings of the HTTP server: a frame or message is at most {@code maxMessageBytes}
   * (the body limit; more closes the socket with 1009), and no compression, whose decompression Netty
   * does not bound (a small compressed frame could inflate to megabytes before any limit applies).
   */
  public static HttpServerOptions configure(HttpServerOptions options, int maxMessageBytes) {
    return options.setMaxWebSocketFrameSize(maxMessageBytes)
        .setMaxWebSocketMessageSize(maxMessageBytes)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  public void upgrade(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.response().putHeader(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET);
      ctx.fail(new ServiceException(426, "this route only answers a WebSocket upgrade (HTTP/1.1 GET with "
          + "Connection: Upgrade and Upgrade: websocket)"));
      return;
    }
    Caller caller = Caller.of(ctx);
    ctx.request().toWebSocket()
        .onSuccess(ws -> {
          ChatSocket socket = new ChatSocket(vertx, ws, caller, chat.exchanges, chat.replays, limiter, maxMessageBytes);
          socket.open();
          sockets.add(socket);
          socket.onClosed(() -> sockets.remove(socket));
          if (shuttingDown) {
            socket.shutDown();
          }
        })
        .onFailure(failure -> {
          // Vert.x has answered a broken handshake itself (e.g. 400 for a bad Sec-WebSocket-Key).
          if (!ctx.response().ended()) {
            ctx.fail(new ServiceException(400, "WebSocket handshake failed: " + failure.getMessage()));
          }
        });
  }

  /**
   * The gateway is draining: every socket refuses new messages ({@code error} 503) and closes with 1001
   * once its replies in flight have ended (done, or cut when the grace is over).
   */
  public void shutDown() {
    shuttingDown = true;
    new ArrayList<>(sockets).forEach(ChatSocket::shutDown);
  }
}
