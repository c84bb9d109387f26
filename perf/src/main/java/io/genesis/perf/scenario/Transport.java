package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;

/** How streamed replies travel: Server-Sent Events (one POST per message) or the chat WebSocket. */
public enum Transport {
  SSE, WS;

  /** {@code --transport sse|ws}. */
  public static Transport read(Args args, Transport fallback) {
    String text = args.string("--transport", fallback.name().toLowerCase(java.util.Locale.ROOT));
    return switch (text) {
      case "sse" -> SSE;
      case "ws" -> WS;
      default -> throw new IllegalArgumentException("--transport must be sse or ws, got '" + text + "'");
    };
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
