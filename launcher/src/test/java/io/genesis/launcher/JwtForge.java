package io.genesis.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds JWTs by hand (base64url header and payload, JCA signatures), good ones and forged ones. */
final class JwtForge {
  private JwtForge() {}

  static KeyPair rsaKeys() {
    return generate("RSA", null);
  }

  static KeyPair ecKeys() {
    return generate("EC", new ECGenParameterSpec("secp256r1"));
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (spec != null) {
        generator.initialize(spec);
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code sub}, {@code roles}, {@code iat} now and {@code exp} in {@code ttlSeconds}. */
  static JsonObject claims(String sub, List<String> roles, long ttlSeconds) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", sub).put("roles", new JsonArray(roles)).put("iat", now).put("exp", now + ttlSeconds);
  }

  static JsonObject header(String alg, String kid) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
    return kid == null ? header : header.put("kid", kid);
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code header.payload}, the part that is signed. */
  static String signingInput(JsonObject header, JsonObject payload) {
    return b64(header.encode()) + "." + b64(payload.encode());
  }

  static String hs256(JsonObject header, JsonObject payload, byte[] secret) {
    String input = signingInput(header, payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(JsonObject header, JsonObject payload, PrivateKey key) {
    return signed(header, payload, key, "SHA256withRSA");
  }

  /** JWS ES256: the signature is R||S (64 bytes), which JCA gives in "P1363" format. */
  static String es256(JsonObject header, JsonObject payload, PrivateKey key) {
    return signed(header, payload, key, "SHA256withECDSAinP1363Format");
  }

  /** ES256 with an ASN.1 DER signature, which JWS does not allow. */
  static String es256Der(JsonObject header, JsonObject payload, PrivateKey key) {
    return signed(header, payload, key, "SHA256withECDSA");
  }

  private static String signed(JsonObject header, JsonObject payload, PrivateKey key, String algorithm) {
    String input = signingInput(header, payload);
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject rsaJwk(RSAPublicKey key, String kid) {
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
        .put("n", b64(unsigned(key.getModulus(), 0))).put("e", b64(unsigned(key.getPublicExponent(), 0)));
  }

  static JsonObject ecJwk(ECPublicKey key, String kid) {
    return new JsonObject().put("kty", "EC").put("kid", kid).put("use", "sig").put("crv", "P-256")
        .put("x", b64(unsigned(key.getW().getAffineX(), 32))).put("y", b64(unsigned(key.getW().getAffineY(), 32)));
  }

  /** Big-endian bytes without the sign byte, left-padded to {@code length} when given. */
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

  static String pem(RSAPublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }
}
