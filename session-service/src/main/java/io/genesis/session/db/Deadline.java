package io.genesis.session.db;

/**
 * When the session service stops working on one request and answers 503 ({@code GENESIS_STORE_TIMEOUT_MS}
 * after it came). A frozen PostgreSQL never answers, so its own timeouts cannot fire; this one can.
 *
 * <p>A write ({@link Writes}) commits only while the deadline is ahead: one that comes back later is rolled
 * back, so its caller's 503 tells the truth. The one case this cannot cover: a {@code COMMIT} sent before
 * the deadline whose answer comes after it. The request is then answered 503 though the write may be
 * stored; a retry with the same {@code Idempotency-Key} finds it.
 *
 * <p>Used on the request's event loop only.
 */
public final class Deadline {
  private final long atNanos;
  private boolean committed;

  private Deadline(long atNanos) {
    this.atNanos = atNanos;
  }

  public static Deadline in(long millis) {
    return new Deadline(System.nanoTime() + millis * 1_000_000);
  }

  /** No deadline: for work that is not a request (start-up, background jobs) and for tests. */
  public static Deadline none() {
    return new Deadline(Long.MAX_VALUE);
  }

  public boolean passed() {
    return atNanos != Long.MAX_VALUE && System.nanoTime() - atNanos >= 0;
  }

  /** Whether a write of this request was committed: its answer must then wait for the rest, not be a 503. */
  public boolean committed() {
    return committed;
  }

  void markCommitted() {
    committed = true;
  }
}
