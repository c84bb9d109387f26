package io.genesis.perf.scenario;

import io.genesis.perf.cli.Args;

/**
 * How streamed replies travel: Server-Sent Events (one POST per message to a session), the chat WebSocket,
 * or GENESIS's stateless OpenAI-compatible {@code POST /v1/chat/completions} with {@code stream: true}
 * (nothing stored: the path an LLM gateway such as TensorZero or LiteLLM measures).
 */
public enum Transport {
  SSE, WS, OPENAI;

  /** {@code --transport sse|ws|openai}. */
  public static Transport read(Args args, Transport fallback) {
    String text = args.string("--transport", fallback.name().toLowerCase(java.util.Locale.ROOT));
    return switch (text) {
      case "sse" -> SSE;
      case "ws" -> WS;
      case "openai" -> OPENAI;
      default -> throw new IllegalArgumentException("--transport must be sse, ws or openai, got '" + text + "'");
    };
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
