package io.genesis.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PEM certificates and keys made for a test with the JDK's keytool (on the test thread, never an
 * event loop): self-signed, or signed by a certificate authority of the test's own. Every certificate
 * names 127.0.0.1 and localhost.
 */
final class TestCerts {
  private static final String PASSWORD = "test-store-password";
  private static final String SAN = "SAN=ip:127.0.0.1,dns:localhost";

  /** A certificate and its key, as PEM files, and the certificate's serial number. */
  record Pair(Path cert, Path key, BigInteger serial) {}

  private TestCerts() {}

  /** A self-signed certificate for {@code commonName}, written to {@code name}.crt.pem and {@code name}.key.pem. */
  static Pair selfSigned(Path dir, String name, String commonName) {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + commonName, "-ext", SAN, "-validity", "2");
    Path cert = dir.resolve(name + ".crt.pem");
    keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", name, "-file", cert.toString());
    return new Pair(cert, writeKey(store, name, dir.resolve(name + ".key.pem")), serial(cert));
  }

  /** A certificate authority: its certificate is {@code cert}; it signs with {@link #signed}. */
  static Pair authority(Path dir, String name) {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign", "-validity", "2");
    Path cert = dir.resolve(name + ".crt.pem");
    keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", name, "-file", cert.toString());
    return new Pair(cert, writeKey(store, name, dir.resolve(name + ".key.pem")), serial(cert));
  }

  /** A certificate for {@code name} signed by {@code authority} (made by {@link #authority} in the same directory). */
  static Pair signed(Path dir, String name, Pair authority) {
    Path store = dir.resolve(name + ".p12");
    String authorityName = authority.cert().getFileName().toString().replace(".crt.pem", "");
    Path authorityStore = dir.resolve(authorityName + ".p12");
    keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + name, "-validity", "2");
    Path request = dir.resolve(name + ".csr");
    keytool("-certreq", "-keystore", store.toString(), "-alias", name, "-file", request.toString());
    Path cert = dir.resolve(name + ".crt.pem");
    keytool("-gencert", "-rfc", "-keystore", authorityStore.toString(), "-alias", authorityName, "-infile",
        request.toString(), "-outfile", cert.toString(), "-ext", SAN, "-ext", "EKU=serverAuth,clientAuth",
        "-validity", "2");
    return new Pair(cert, writeKey(store, name, dir.resolve(name + ".key.pem")), serial(cert));
  }

  static BigInteger serial(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pem, e);
    }
  }

  /** The key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), which keytool cannot export. */
  private static Path writeKey(Path store, String alias, Path target) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
      Files.writeString(target, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
      return target;
    } catch (Exception e) {
      throw new IllegalStateException("cannot export the key of " + store, e);
    }
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12", "-noprompt"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
