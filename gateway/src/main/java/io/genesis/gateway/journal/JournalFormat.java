package io.genesis.gateway.journal;

import java.util.List;

/**
 * How events are kept in a journal entry: one field holding, for each event of the batch,
 * {@code id \n name \n data \n}, encrypted as one value. An entry's id ({@code 0-N}) is the id of its
 * last event, so the entries from {@code 0-(after + 1)} on hold every event after {@code after}. Event data
 * is one line of JSON (a newline inside a string is escaped), so a newline always ends a field.
 */
final class JournalFormat {
  static final String FIELD = "e";
  /** In a journal's first entry only, in a cluster: the member id of the gateway writing it, in clear. */
  static final String WRITER = "w";

  private JournalFormat() {}

  /** The entry is bound to its journal, its owner and its place: copied elsewhere, it does not decrypt. */
  static String associatedData(String key, String userId, long id) {
    return key + '|' + userId + '|' + id;
  }

  static void append(StringBuilder batch, long id, String event, String data) {
    batch.append(id).append('\n').append(event).append('\n').append(data).append('\n');
  }

  /** The events of an entry's text, oldest first. */
  static void read(String text, List<JournalEntry> into) {
    int at = 0;
    while (at < text.length()) {
      int idEnd = text.indexOf('\n', at);
      int nameEnd = text.indexOf('\n', idEnd + 1);
      int dataEnd = text.indexOf('\n', nameEnd + 1);
      into.add(new JournalEntry(Long.parseLong(text, at, idEnd, 10), text.substring(idEnd + 1, nameEnd),
          text.substring(nameEnd + 1, dataEnd)));
      at = dataEnd + 1;
    }
  }
}
