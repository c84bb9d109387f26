package io.genesis.common.crypto;

import io.genesis.common.config.ConfigException;
import io.genesis.common.config.GenesisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for single text values at rest: {@code gcm1:<keyId>:<base64(nonce ‖ ciphertext ‖ tag)>},
 * a fresh 12-byte nonce per value and a 128-bit tag. The associated data is where the value lives (a
 * row id, a Redis key): a value copied elsewhere fails to decrypt. The current key encrypts; it and
 * the old keys decrypt, found by key id (the first 8 hex digits of the SHA-256 of the key bytes).
 *
 * <p>Thread-safe; cheap enough for an event loop (about a microsecond for a short message, see
 * docs/PRIVACY.md). The nonces come from a DRBG seeded once, in {@link #create(Vertx, GenesisConfig)}
 * on a worker: seeding may block, drawing afterwards does not.
 */
public final class FieldCipher {
  public static final String PREFIX = "gcm1:";
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;

  private final String currentId;
  private final SecretKey current;
  private final Map<String, SecretKey> keys;
  private final SecureRandom random;
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(FieldCipher::newCipher);

  private FieldCipher(String currentId, Map<String, SecretKey> keys, SecureRandom random) {
    this.currentId = currentId;
    this.current = keys.get(currentId);
    this.keys = Map.copyOf(keys);
    this.random = random;
  }

  /** The process's cipher, built on a worker (seeding the random source may block). */
  public static Future<FieldCipher> create(Vertx vertx, GenesisConfig config) {
    return vertx.executeBlocking(() -> create(config.encryptionKey(), config.privacy().encryptionOldKeys()), false);
  }

  /**
   * Blocking (seeds the random source and warms the cipher up). {@code currentKey}: base64 of 32
   * bytes; {@code oldKeys}: comma-separated base64 keys, or null.
   */
  public static FieldCipher create(String currentKey, String oldKeys) {
    if (currentKey == null || currentKey.isBlank()) {
      throw new ConfigException("GENESIS_ENCRYPTION_KEY", "required by the session service (the launcher resolves it)");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    String currentId = add(keys, currentKey.trim(), "GENESIS_ENCRYPTION_KEY");
    if (oldKeys != null) {
      for (String old : oldKeys.split(",")) {
        if (!old.isBlank()) {
          add(keys, old.trim(), "GENESIS_ENCRYPTION_OLD_KEYS");
        }
      }
    }
    FieldCipher cipher = new FieldCipher(currentId, keys, seededRandom());
    cipher.decrypt("warm-up", cipher.encrypt("warm-up", "warm-up"));
    return cipher;
  }

  /** The id of the key that encrypts (stored beside every value it wrote). */
  public String keyId() {
    return currentId;
  }

  /** Whether values written under {@code keyId} can be read: the current key's id, or an old key's. */
  public boolean knows(String keyId) {
    return keys.containsKey(keyId);
  }

  /** The first 8 hex digits of the SHA-256 of the key bytes. */
  public static String keyIdOf(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The envelope of {@code text} (null stays null), bound to {@code associatedData}. */
  public String encrypt(String associatedData, String text) {
    if (text == null) {
      return null;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, current, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain = text.getBytes(StandardCharsets.UTF_8);
      ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + cipher.getOutputSize(plain.length));
      out.put(nonce);
      cipher.doFinal(ByteBuffer.wrap(plain), out);
      return PREFIX + currentId + ":" + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The text of an envelope written by {@link #encrypt} with the same associated data (null stays null). */
  public String decrypt(String associatedData, String envelope) {
    if (envelope == null) {
      return null;
    }
    String keyId = keyIdOf(envelope);
    SecretKey key = keys.get(keyId);
    if (key == null) {
      throw new DecryptionException("unknown key id " + keyId + " (set it in GENESIS_ENCRYPTION_OLD_KEYS)");
    }
    byte[] sealed;
    try {
      sealed = Base64.getDecoder().decode(envelope.substring(PREFIX.length() + keyId.length() + 1));
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("not base64");
    }
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new DecryptionException("too short");
    }
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new DecryptionException("authentication failed (tampered, or stored for another row)");
    } catch (GeneralSecurityException e) {
      throw new DecryptionException(e.getClass().getSimpleName());
    }
  }

  /** Whether {@code value} looks like an envelope (a value written before encryption does not, normally). */
  public static boolean isEnvelope(String value) {
    return value != null && value.startsWith(PREFIX) && value.indexOf(':', PREFIX.length()) > PREFIX.length();
  }

  /** The key id of an envelope. */
  public static String keyIdOf(String envelope) {
    if (!isEnvelope(envelope)) {
      throw new DecryptionException("not an encrypted value");
    }
    return envelope.substring(PREFIX.length(), envelope.indexOf(':', PREFIX.length()));
  }

  /** Key ids only: the keys never appear in logs. */
  @Override
  public String toString() {
    return "FieldCipher[current=" + currentId + ", keys=" + keys.keySet() + "]";
  }

  private static String add(Map<String, SecretKey> keys, String base64, String setting) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "must be base64");
    }
    if (bytes.length != KEY_BYTES) {
      throw new ConfigException(setting, "must be " + KEY_BYTES + " bytes (AES-256), got " + bytes.length);
    }
    String id = keyIdOf(bytes);
    SecretKey previous = keys.putIfAbsent(id, new SecretKeySpec(bytes, "AES"));
    if (previous != null && !java.util.Arrays.equals(previous.getEncoded(), bytes)) {
      throw new ConfigException(setting, "two keys share the key id " + id + "; generate another key");
    }
    return id;
  }

  private static SecureRandom seededRandom() {
    try {
      SecureRandom random = SecureRandom.getInstance("DRBG",
          DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, "genesis-field-cipher".getBytes(StandardCharsets.UTF_8)));
      random.nextBytes(new byte[NONCE_BYTES]);
      return random;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no DRBG SecureRandom", e);
    }
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance(TRANSFORMATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no " + TRANSFORMATION, e);
    }
  }
}
