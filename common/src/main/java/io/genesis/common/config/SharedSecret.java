package io.genesis.common.config;

/**
 * A secret that every process of a deployment must hold the same: generated into the data directory
 * only in the embedded default, where one process is the whole deployment (see
 * {@link ConfigLoader#withSecrets}).
 */
public enum SharedSecret {
  /** Encrypts stored data, seals reply journals and keys Idempotency-Key digests: every session service and gateway. */
  ENCRYPTION_KEY("GENESIS_ENCRYPTION_KEY", "encryption-key", "every session service, gateway and rotate-keys must use the same one"),
  /** Signs and verifies HS256 tokens: every gateway and the {@code token} command. */
  JWT_SECRET("GENESIS_JWT_SECRET", "jwt-secret", "every gateway and the token command must use the same one");

  private final String setting;
  private final String fileName;
  private final String why;

  SharedSecret(String setting, String fileName, String why) {
    this.setting = setting;
    this.fileName = fileName;
    this.why = why;
  }

  public String setting() {
    return setting;
  }

  String fileName() {
    return fileName;
  }

  String why() {
    return why;
  }

  String valueIn(GenesisConfig config) {
    return this == JWT_SECRET ? config.jwtSecret() : config.encryptionKey();
  }
}
