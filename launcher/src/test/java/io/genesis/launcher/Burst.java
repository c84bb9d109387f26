package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** Concurrent requests for the rate-limit tests, and the checks every limited answer must pass. */
final class Burst {
  private Burst() {}

  /** A client with room for many requests in flight at once, connecting from {@code localAddress}. */
  static WebClient client(Vertx vertx, String localAddress) {
    WebClientOptions options = new WebClientOptions().setDefaultHost("127.0.0.1");
    options.setLocalAddress(localAddress);
    return WebClient.create(vertx, options, new PoolOptions().setHttp1MaxSize(200));
  }

  /** A loopback address of its own (Linux routes all of 127/8 to lo): a client IP no other test uses. */
  static String randomLoopback() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
  }

  /** Starts all {@code count} requests at once, then waits for every answer. */
  static List<HttpResponse<Buffer>> fire(int count, IntFunction<Future<HttpResponse<Buffer>>> request) {
    List<Future<HttpResponse<Buffer>>> all = IntStream.range(0, count).mapToObj(request).toList();
    Await.result(Future.all(all), Duration.ofSeconds(30));
    return all.stream().map(Future::result).toList();
  }

  static List<HttpResponse<Buffer>> withStatus(List<HttpResponse<Buffer>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).toList();
  }

  /** {@code RateLimit-*} on every limited answer; a 429 is a problem with {@code Retry-After}. */
  static void assertLimited(HttpResponse<Buffer> response, int limit) {
    assertEquals(String.valueOf(limit), response.getHeader("RateLimit-Limit"));
    assertEquals(limit + ";w=60", response.getHeader("RateLimit-Policy"));
    int remaining = Integer.parseInt(response.getHeader("RateLimit-Remaining"));
    assertTrue(remaining >= 0 && remaining < limit, "remaining " + remaining);
    long reset = Long.parseLong(response.getHeader("RateLimit-Reset"));
    assertTrue(reset >= 1 && reset <= 60, "reset " + reset);
    if (response.statusCode() == 429) {
      assertEquals(0, remaining);
      assertEquals(response.getHeader("RateLimit-Reset"), response.getHeader("Retry-After"),
          "Retry-After is the time until a slot frees, not a fixed 1");
      assertEquals("application/problem+json", response.getHeader("Content-Type"));
      assertEquals(429, response.bodyAsJsonObject().getInteger("status"));
    }
  }

  static void assertNotLimited(HttpResponse<Buffer> response) {
    assertNull(response.getHeader("RateLimit-Limit"));
    assertNull(response.getHeader("RateLimit-Remaining"));
  }
}
