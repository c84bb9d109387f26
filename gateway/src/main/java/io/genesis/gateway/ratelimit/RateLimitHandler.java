package io.genesis.gateway.ratelimit;

import io.genesis.common.error.Problem;
import io.genesis.gateway.auth.Caller;
import io.genesis.gateway.http.Problems;
import io.genesis.gateway.http.Paused;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * Applies the limit to a route: {@code RateLimit-Limit}, {@code RateLimit-Remaining},
 * {@code RateLimit-Reset} (seconds until a slot frees) and {@code RateLimit-Policy} on every answer,
 * and a {@code 429} problem with {@code Retry-After} when over. When the limit cannot be checked
 * (Redis connected but not answering in time), a {@code 503} problem with {@code Retry-After: 1},
 * {@code RateLimit-Limit} and {@code RateLimit-Policy}: never an admission the limit did not allow. The request is paused while Redis
 * decides (as vert.x-web's own auth handlers do), so a body handler further down still reads it all.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  static final CharSequence LIMIT = HttpHeaders.createOptimized("RateLimit-Limit");
  static final CharSequence REMAINING = HttpHeaders.createOptimized("RateLimit-Remaining");
  static final CharSequence RESET = HttpHeaders.createOptimized("RateLimit-Reset");
  static final CharSequence POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
  static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");
  /** What a caller refused for want of a decision is told (no internals: see {@link Decision.Source#UNDECIDED}). */
  public static final String UNDECIDED_DETAIL = "the rate limit cannot be checked right now; retry in 1 s";

  private final RateLimiter limiter;
  private final Function<RoutingContext, String> keyOf;
  private final CharSequence limit;
  private final CharSequence policy;

  private RateLimitHandler(RateLimiter limiter, Function<RoutingContext, String> keyOf) {
    this.limiter = limiter;
    this.keyOf = keyOf;
    this.limit = HttpHeaders.createOptimized(Integer.toString(limiter.limit()));
    this.policy = HttpHeaders.createOptimized(limiter.limit() + ";w=" + limiter.windowSeconds());
  }

  /** Per authenticated user: mount after {@code BearerAuth}. */
  public static RateLimitHandler perUser(RateLimiter limiter) {
    return new RateLimitHandler(limiter, ctx -> {
      Caller caller = Caller.of(ctx);
      return caller == null ? clientIp(ctx) : userKey(caller.userId());
    });
  }

  /** The limiter key of a user: the same window for HTTP requests and WebSocket message frames. */
  public static String userKey(String userId) {
    return io.genesis.common.redis.RedisKeys.rateLimitUserKey(userId);
  }

  /**
   * Per client address, for routes without a token. The TCP peer, not {@code X-Forwarded-For}: a
   * header any client can set would let it pick its own bucket.
   */
  public static RateLimitHandler perClientIp(RateLimiter limiter) {
    return new RateLimitHandler(limiter, RateLimitHandler::clientIp);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Paused.until(ctx, limiter.acquire(keyOf.apply(ctx)), decision -> apply(ctx, decision));
  }

  private void apply(RoutingContext ctx, Future<Decision> outcome) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return;
    }
    if (outcome.failed()) {
      ctx.next(); // cannot happen (RateLimiter never fails); the limiter never fails a request anyway
      return;
    }
    Decision decision = outcome.result();
    String reset = Long.toString(decision.resetSeconds());
    if (decision.undecided()) {
      response.putHeader(LIMIT, limit).putHeader(POLICY, policy).putHeader(RETRY_AFTER, reset);
      Problems.send(ctx, Problem.of(503, UNDECIDED_DETAIL));
      return;
    }
    response.putHeader(LIMIT, limit)
        .putHeader(REMAINING, Integer.toString(decision.remaining()))
        .putHeader(RESET, reset)
        .putHeader(POLICY, policy);
    if (decision.allowed()) {
      ctx.next();
    } else {
      response.putHeader(RETRY_AFTER, reset);
      Problems.send(ctx, Problem.of(429, "rate limit of " + decision.limit() + " requests per "
          + limiter.windowSeconds() + " s reached; retry in " + reset + " s"));
    }
  }

  private static String clientIp(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    String host = peer == null ? null : peer.hostAddress();
    return "ip:" + (host == null ? "unknown" : host);
  }
}
