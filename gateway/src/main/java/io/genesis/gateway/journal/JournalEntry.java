package io.genesis.gateway.journal;

/**
 * One event of a streamed reply as the client saw it: its sequence number (the SSE {@code id:}, the
 * WebSocket frame's {@code eventId}), its name ({@code meta}, {@code handoff}, {@code delta}, {@code done},
 * {@code error}) and its data (the SSE {@code data:} JSON).
 */
public record JournalEntry(long id, String event, String data) {
  public static final String DONE = "done";
  public static final String ERROR = "error";

  /** The last event of a reply: nothing follows it. */
  public boolean terminal() {
    return DONE.equals(event) || ERROR.equals(event);
  }
}
