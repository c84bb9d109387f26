package io.genesis.common.config;

/**
 * Encryption keys for reading old values, and retention.
 *
 * @param encryptionOldKeys {@code GENESIS_ENCRYPTION_OLD_KEYS}: comma-separated base64 AES-256 keys
 *     that values may still be encrypted with (read, never written); null when none
 * @param retentionDays {@code GENESIS_RETENTION_DAYS}: messages older than this are deleted; null keeps them
 * @param retentionIntervalSeconds {@code GENESIS_RETENTION_INTERVAL_SECONDS}: how often the retention job runs
 * @param retentionBatch {@code GENESIS_RETENTION_BATCH}: rows deleted per statement
 */
public record PrivacySettings(String encryptionOldKeys, Integer retentionDays, int retentionIntervalSeconds,
                              int retentionBatch) {

  public static PrivacySettings defaults() {
    return new PrivacySettings(null, null, 3600, 500);
  }
}
