package io.genesis.common.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Checks PEM certificates and keys the way the servers will load them (Vert.x's
 * {@link PemKeyCertOptions}), and that a key belongs to its certificate: a mismatched pair would load
 * and then fail every handshake.
 */
public final class PemFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Which half of a pair is wrong, and why, in words without the file's contents. */
  public static final class InvalidPem extends Exception {
    private final boolean certificate;

    InvalidPem(boolean certificate, String problem) {
      super(problem, null, false, false);
      this.certificate = certificate;
    }

    /** True when the certificate is at fault, false when the key is. */
    public boolean certificate() {
      return certificate;
    }
  }

  private PemFiles() {}

  /** The certificates of a PEM file; at least one. */
  public static Collection<? extends Certificate> certificates(byte[] pem) throws InvalidPem {
    Collection<? extends Certificate> certificates;
    try {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new InvalidPem(true, "is not a PEM X.509 certificate");
    }
    if (certificates.isEmpty()) {
      throw new InvalidPem(true, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  /**
   * Checks a certificate chain and its private key (PKCS#8, RSA or EC): both parse, and the key signs
   * what the first certificate's public key verifies.
   */
  public static void checkPair(byte[] certPem, byte[] keyPem) throws InvalidPem {
    PublicKey publicKey = certificates(certPem).iterator().next().getPublicKey();
    PrivateKey privateKey = null;
    try {
      KeyManager[] managers = new PemKeyCertOptions().addCertValue(Buffer.buffer(certPem))
          .addKeyValue(Buffer.buffer(keyPem)).getKeyManagerFactory(null).getKeyManagers();
      X509KeyManager manager = (X509KeyManager) managers[0];
      String[] aliases = manager.getServerAliases(publicKey.getAlgorithm(), null);
      if (aliases != null && aliases.length > 0) {
        privateKey = manager.getPrivateKey(aliases[0]);
      }
    } catch (Exception e) {
      privateKey = null;
    }
    if (privateKey == null) {
      throw new InvalidPem(false, "is not a PEM private key (PKCS#8, RSA or EC) for the certificate");
    }
    if (!signs(privateKey, publicKey)) {
      throw new InvalidPem(false, "is not the private key of the certificate");
    }
  }

  private static boolean signs(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (publicKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !publicKey.getAlgorithm().equals(privateKey.getAlgorithm())) {
      return algorithm == null;
    }
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (Exception e) {
      return false;
    }
  }

  /** The pair named by two settings: unreadable, not PEM, or mismatched stops the start naming the setting at fault. */
  static void checkPairSettings(String certSetting, String certFile, String keySetting, String keyFile) {
    byte[] cert = read(certSetting, certFile);
    byte[] key = read(keySetting, keyFile);
    try {
      checkPair(cert, key);
    } catch (InvalidPem e) {
      throw new ConfigException(e.certificate() ? certSetting : keySetting, e.getMessage());
    }
  }

  /** A file named by {@code setting}; one that cannot be read stops the start naming the setting (never its contents). */
  static byte[] read(String setting, String file) {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(setting, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
