package io.genesis.gateway.journal;

/** How an event is kept in a journal entry: one field holding {@code name \n data}, encrypted. */
final class JournalFormat {
  static final String FIELD = "e";

  private JournalFormat() {}

  /** The entry is bound to its journal, its owner and its place: copied elsewhere, it does not decrypt. */
  static String associatedData(String key, String userId, long id) {
    return key + '|' + userId + '|' + id;
  }

  static String text(String event, String data) {
    return event + '\n' + data;
  }

  static JournalEntry entry(long id, String text) {
    int newline = text.indexOf('\n');
    return new JournalEntry(id, text.substring(0, newline), text.substring(newline + 1));
  }
}
