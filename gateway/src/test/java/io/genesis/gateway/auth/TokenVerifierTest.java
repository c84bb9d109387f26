package io.genesis.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The token verifier, with a clock the test moves")
class TokenVerifierTest {
  private static final String SECRET = "unit-test-secret-unit-test-secret-0123456789";

  private final Vertx vertx = Vertx.vertx();
  private final Tokens tokens = new Tokens(vertx, SECRET);
  private final MutableClock clock = new MutableClock(System.currentTimeMillis());
  private final TokenVerifier verifier = new TokenVerifier(new SecretKey(vertx, SECRET), clock);

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Throwable failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return e.getCause();
  }

  @Test
  @DisplayName("a good token is cached, and refused once its exp (plus leeway) has passed")
  void cachedUntilExpiry() throws Exception {
    String token = tokens.issue("alice", List.of("user"), 60).token();
    assertEquals(new Caller("alice", List.of("user")), await(verifier.verify(token)));
    assertEquals(1, verifier.cachedTokens());
    clock.advance(Duration.ofSeconds(55));
    assertEquals("alice", await(verifier.verify(token)).userId());
    clock.advance(Duration.ofSeconds(5 + TokenVerifier.LEEWAY_SECONDS + 1));
    Throwable expired = failure(verifier.verify(token));
    assertInstanceOf(InvalidToken.class, expired);
    assertEquals("token expired", expired.getMessage());
    assertEquals(0, verifier.cachedTokens());
  }

  @Test
  @DisplayName("a token signed with another secret, or for another alg, is refused with the reason")
  void refusals() {
    String foreign = new Tokens(vertx, "another-secret-another-secret-0123456789").issue("bob", List.of("user"), 60).token();
    assertEquals("bad signature", failure(verifier.verify(foreign)).getMessage());
    assertEquals("not a signed JWT (expected header.payload.signature)", failure(verifier.verify("abc")).getMessage());
    assertEquals(0, verifier.cachedTokens(), "refused tokens are not cached");
  }
}
