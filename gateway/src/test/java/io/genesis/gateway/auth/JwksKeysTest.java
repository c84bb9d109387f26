package io.genesis.gateway.auth;

import static io.genesis.gateway.auth.TokenVerifierTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JWKS keys: what is kept from a JWKS, and how often it is fetched")
class JwksKeysTest {
  private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<JsonObject> document = new AtomicReference<>();
  private final AtomicLong nanos = new AtomicLong();
  private final KeyPair rsa = generate("RSA", 2048, null);
  private String url;

  @BeforeEach
  void serveJwks() throws Exception {
    document.set(jwks(rsaJwk((RSAPublicKey) rsa.getPublic(), "k1")));
    int port = await(vertx.createHttpServer().requestHandler(request -> {
      fetches.incrementAndGet();
      request.response().setStatusCode(status.get()).end(document.get().toBuffer());
    }).listen(0, "127.0.0.1")).actualPort();
    url = "http://127.0.0.1:" + port + "/jwks";
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  /** JwksKeys belongs to one context, like the verticle that owns it in production. */
  private <T> T onContext(Supplier<Future<T>> action) throws Exception {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return await(promise.future());
  }

  @Test
  @DisplayName("a flood of unknown kids causes at most one fetch per 10 s; a failed fetch keeps the keys")
  void refreshIsRateLimited() throws Exception {
    JwksKeys keys = new JwksKeys(vertx, url, nanos::get, TEN_SECONDS);
    onContext(() -> keys.refresh());
    assertEquals(1, fetches.get());

    String unknownKid = rs256("k-unknown");
    for (int i = 0; i < 50; i++) {
      Throwable failure = assertThrows(ExecutionException.class,
          () -> onContext(() -> keys.verifySignature(unknownKid, JwtParts.parse(unknownKid)))).getCause();
      assertInstanceOf(Signatures.UnknownKey.class, failure);
    }
    nanos.addAndGet(TEN_SECONDS - 1);
    assertFalse(onContext(keys::refresh));
    assertEquals(1, fetches.get(), "no fetch within 10 s of the last");

    nanos.addAndGet(1);
    List<Boolean> concurrent = onContext(() -> Future.all(IntStream.range(0, 20).mapToObj(i -> keys.refresh()).toList())
        .map(all -> all.<Boolean>list()));
    assertEquals(2, fetches.get(), "concurrent refreshes share one fetch");
    assertTrue(concurrent.stream().allMatch(Boolean::booleanValue));

    status.set(500);
    nanos.addAndGet(TEN_SECONDS);
    assertFalse(onContext(keys::refresh));
    assertEquals(3, fetches.get());
    String known = rs256("k1");
    onContext(() -> keys.verifySignature(known, JwtParts.parse(known)));
  }

  @Test
  @DisplayName("a token with a new kid is accepted once the JWKS has its key")
  void rotation() throws Exception {
    JwksKeys keys = new JwksKeys(vertx, url, nanos::get, TEN_SECONDS);
    onContext(keys::refresh);
    KeyPair next = generate("RSA", 2048, null);
    document.set(jwks(rsaJwk((RSAPublicKey) rsa.getPublic(), "k1"), rsaJwk((RSAPublicKey) next.getPublic(), "k2")));
    nanos.addAndGet(TEN_SECONDS);
    String token = rs256(next, "k2");
    onContext(() -> keys.verifySignature(token, JwtParts.parse(token)));
    assertEquals(2, fetches.get());
  }

  @Test
  @DisplayName("only RS256 and P-256 ES256 signature keys are kept from a JWKS")
  void usableKeys() {
    JsonObject goodRsa = rsaJwk((RSAPublicKey) rsa.getPublic(), "rsa");
    JsonObject goodEc = ecJwk((ECPublicKey) generate("EC", 0, "secp256r1").getPublic(), "ec");
    JsonObject weakRsa = rsaJwk((RSAPublicKey) generate("RSA", 1024, null).getPublic(), "weak");
    JsonObject p384 = ecJwk((ECPublicKey) generate("EC", 0, "secp384r1").getPublic(), "p384").put("crv", "P-384");
    List<JsonObject> kept = JwksKeys.usableKeys(jwks(goodRsa, goodEc, weakRsa, p384,
        goodRsa.copy().put("kid", "enc").put("use", "enc"),
        goodRsa.copy().put("kid", "rs512").put("alg", "RS512"),
        new JsonObject().put("kty", "oct").put("kid", "hmac").put("k", "c2VjcmV0"),
        new JsonObject().put("kty", "RSA").put("kid", "no-modulus").put("e", "AQAB")).toBuffer());
    assertEquals(List.of("rsa", "ec"), kept.stream().map(jwk -> jwk.getString("kid")).toList());
    assertEquals(List.of("RS256", "ES256"), kept.stream().map(jwk -> jwk.getString("alg")).toList());

    assertThrows(IllegalStateException.class, () -> JwksKeys.usableKeys(jwks(weakRsa).toBuffer()));
    assertThrows(IllegalStateException.class, () -> JwksKeys.usableKeys(Buffer.buffer("[]")));
    assertThrows(IllegalStateException.class, () -> JwksKeys.usableKeys(Buffer.buffer("{\"keys\":{}}")));
  }

  private String rs256(String kid) {
    return rs256(rsa, kid);
  }

  private static String rs256(KeyPair keys, String kid) {
    long now = System.currentTimeMillis() / 1000;
    String input = b64(new JsonObject().put("alg", "RS256").put("kid", kid).encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(new JsonObject().put("sub", "u").put("exp", now + 60).encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(keys.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate(String algorithm, int bits, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      } else {
        generator.initialize(bits);
      }
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys)));
  }

  private static JsonObject rsaJwk(RSAPublicKey key, String kid) {
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("n", b64(unsigned(key.getModulus(), 0)))
        .put("e", b64(unsigned(key.getPublicExponent(), 0)));
  }

  private static JsonObject ecJwk(ECPublicKey key, String kid) {
    int size = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    return new JsonObject().put("kty", "EC").put("kid", kid).put("crv", "P-256")
        .put("x", b64(unsigned(key.getW().getAffineX(), size))).put("y", b64(unsigned(key.getW().getAffineY(), size)));
  }

  private static byte[] unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length > bytes.length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      return padded;
    }
    return bytes;
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
