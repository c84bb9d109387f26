package io.genesis.common.crypto;

import io.genesis.common.error.ServiceException;

/**
 * A stored value that cannot be decrypted (tampered, copied from another row, or written with a key
 * this process does not have): a 500 for the caller, never garbage. {@link #reason()} is safe to log
 * (it holds neither key nor content); the caller's detail says only that stored data is unreadable.
 */
public final class DecryptionException extends ServiceException {
  private final String reason;

  public DecryptionException(String reason) {
    super(500, "stored data cannot be decrypted");
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
