package io.genesis.session.cache;

import io.genesis.common.bus.Messages.MessagePage;
import io.genesis.common.bus.Messages.MessageView;
import java.util.List;

/**
 * The cached first page of a session's messages: the newest {@link #SIZE} at most, newest first,
 * and whether older ones exist. Any smaller first page is a slice of it.
 */
public record FirstPage(List<MessageView> items, boolean more) {
  public static final int SIZE = 100;

  /** From up to SIZE + 1 rows, newest first. */
  public static FirstPage of(List<MessageView> rows) {
    return rows.size() > SIZE ? new FirstPage(List.copyOf(rows.subList(0, SIZE)), true) : new FirstPage(List.copyOf(rows), false);
  }

  /** The first {@code limit} messages (1..SIZE); the cursor is the last item's id when older ones exist. */
  public MessagePage slice(int limit) {
    if (items.size() > limit) {
      List<MessageView> page = items.subList(0, limit);
      return new MessagePage(List.copyOf(page), page.get(limit - 1).id());
    }
    String next = more && !items.isEmpty() ? items.get(items.size() - 1).id() : null;
    return new MessagePage(items, next);
  }

  /** Rough heap weight for the L1 bound: the text dominates. */
  int weight() {
    int chars = 64;
    for (MessageView m : items) {
      chars += 160 + m.content().length();
    }
    return chars;
  }
}
