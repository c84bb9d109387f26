package io.genesis.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigException;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FieldCipher: AES-256-GCM envelopes bound to their row")
class FieldCipherTest {
  static final String KEY_A = key(1);
  static final String KEY_B = key(2);

  static String key(int seed) {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  private final FieldCipher a = FieldCipher.create(KEY_A, null);
  private final String row = UUID.randomUUID().toString();

  @Test
  @DisplayName("round trip, unicode included; each value gets its own nonce; null stays null")
  void roundTrip() {
    String text = "Plan my week: 5 km 🏃‍♀️, Gewichte heben, 日本語, \u0000 and \"quotes\"";
    String sealed = a.encrypt(row, text);
    assertTrue(sealed.startsWith("gcm1:" + a.keyId() + ":"), sealed);
    assertFalse(sealed.contains("Plan"));
    assertEquals(text, a.decrypt(row, sealed));
    assertNotEquals(sealed, a.encrypt(row, text));
    assertEquals("", a.decrypt(row, a.encrypt(row, "")));
    assertNull(a.encrypt(row, null));
    assertNull(a.decrypt(row, null));
  }

  @Test
  @DisplayName("a flipped bit anywhere in the sealed bytes fails, never returns garbage")
  void tamperDetected() {
    String sealed = a.encrypt(row, "a secret goal");
    String prefix = sealed.substring(0, sealed.lastIndexOf(':') + 1);
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(prefix.length()));
    for (int i = 0; i < bytes.length; i++) {
      byte[] copy = bytes.clone();
      copy[i] ^= 1;
      String tampered = prefix + Base64.getEncoder().encodeToString(copy);
      assertThrows(DecryptionException.class, () -> a.decrypt(row, tampered), "byte " + i);
    }
    assertThrows(DecryptionException.class, () -> a.decrypt(row, prefix + "AAAA"));
    assertThrows(DecryptionException.class, () -> a.decrypt(row, prefix + "not base64!"));
    assertThrows(DecryptionException.class, () -> a.decrypt(row, "plain text"));
  }

  @Test
  @DisplayName("a value moved to another row (other associated data) fails with a 500 that names no content")
  void wrongAssociatedData() {
    String sealed = a.encrypt(row, "my weight is 80 kg");
    DecryptionException e = assertThrows(DecryptionException.class, () -> a.decrypt(UUID.randomUUID().toString(), sealed));
    assertEquals(500, e.status());
    assertFalse(e.getMessage().contains("80 kg"));
    assertFalse(e.reason().contains("80 kg"));
  }

  @Test
  @DisplayName("the current key encrypts, old keys still decrypt; a key not configured is refused by id")
  void keyRotation() {
    FieldCipher b = FieldCipher.create(KEY_B, KEY_A);
    FieldCipher onlyB = FieldCipher.create(KEY_B, " ");
    String underA = a.encrypt(row, "written under A");
    assertEquals("written under A", b.decrypt(row, underA));
    assertEquals(b.keyId(), FieldCipher.keyIdOf(b.encrypt(row, "x")));
    assertNotEquals(a.keyId(), b.keyId());
    DecryptionException e = assertThrows(DecryptionException.class, () -> onlyB.decrypt(row, underA));
    assertTrue(e.reason().contains(a.keyId()), e.reason());
    assertEquals(a.keyId(), FieldCipher.keyIdOf(Base64.getDecoder().decode(KEY_A)));
  }

  @Test
  @DisplayName("bad keys are configuration errors; keys never show in toString")
  void keysChecked() {
    assertThrows(ConfigException.class, () -> FieldCipher.create((String) null, null));
    assertThrows(ConfigException.class, () -> FieldCipher.create("c2hvcnQ=", null));
    assertThrows(ConfigException.class, () -> FieldCipher.create(KEY_A, "%%%"));
    String shown = FieldCipher.create(KEY_B, KEY_A).toString();
    assertFalse(shown.contains(KEY_A) || shown.contains(KEY_B), shown);
    assertTrue(shown.contains(a.keyId()), shown);
  }

  /**
   * Not a check: prints what encryption costs (docs/PRIVACY.md quotes it). Timings are not asserted;
   * a shared CI machine is too noisy for that.
   */
  @Test
  @DisplayName("cost: encrypt + decrypt of a 200-character and a 32,000-character message (printed)")
  void cost() {
    for (int length : new int[] {200, 32_000}) {
      String text = "I ran 5 km today and my knee hurts a bit; what should I change next week? ".repeat(length / 70 + 1)
          .substring(0, length);
      measure(length, text, length < 1_000 ? 50_000 : 2_000);
    }
  }

  private void measure(int length, String text, int rounds) {
    long sink = 0;
    for (int warm = 0; warm < 3; warm++) {
      long encNanos = 0;
      long decNanos = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        String sealed = a.encrypt(row, text);
        long t1 = System.nanoTime();
        sink += a.decrypt(row, sealed).length();
        long t2 = System.nanoTime();
        encNanos += t1 - t0;
        decNanos += t2 - t1;
      }
      if (warm == 2) {
        System.out.printf("FieldCipher cost, %,d chars: encrypt %,d ns/op, decrypt %,d ns/op (%d rounds)%n",
            length, encNanos / rounds, decNanos / rounds, rounds);
      }
    }
    assertTrue(sink > 0);
  }
}
