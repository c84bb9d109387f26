package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.genesis.common.bus.Messages.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The streaming read of a usual chunk against the tree read every other chunk still gets. */
class ChunksTest {
  private static final List<String> USUAL = List.of(
      "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\\\"lo \\u00e9\"},\"logprobs\":null,\"finish_reason\":null}]}",
      "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}",
      "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
      "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":null}},{\"delta\":{\"content\":\"x\"}}]}",
      "{\"error\":null,\"choices\":[{\"delta\":null,\"finish_reason\":\"length\"}]}",
      "{\"usage\":{\"prompt_tokens\":7},\"x\":[[],{}]}",
      "{}");
  /** Shapes the streaming read leaves to the tree: tool calls, errors, other types, repeated fields, broken JSON. */
  private static final List<String> UNUSUAL = List.of(
      // a tool call's fragments: the tree read assembles them
      "{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":[{\"a\":[1,{\"b\":2}]}]}},{\"delta\":{\"content\":\"x\"}}]}",
      "{\"error\":{\"message\":\"overloaded\"}}",
      "{\"error\":\"boom\",\"choices\":[]}",
      "{\"choices\":{}}",
      "{\"choices\":null}",
      "{\"choices\":[null]}",
      "{\"choices\":[\"x\"]}",
      "{\"choices\":[{\"delta\":\"x\"}]}",
      "{\"choices\":[{\"delta\":{\"content\":42}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
      "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}",
      "{\"choices\":[{\"finish_reason\":7}]}",
      "{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
      "{\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":2}}",
      "{\"usage\":{\"prompt_tokens\":9999999999}}",
      "{\"usage\":{\"prompt_tokens\":\"3\"}}",
      "{\"usage\":{\"prompt_tokens\":1,\"prompt_tokens\":2}}",
      "{\"usage\":[]}",
      "{\"usage\":{\"prompt_tokens\":null}}",
      "{\"choices\":[]} {}",
      "{\"choices\":[]",
      "{\"choices\":[{\"delta\":{\"content\":\"a\\q\"}}]}",
      "[]",
      "null",
      "\"text\"",
      "not json",
      "");

  @Test
  @DisplayName("a usual chunk is read without a tree, with the answers the tree read gives")
  void usualChunks() {
    for (String data : USUAL) {
      Chunks.Plain plain = Chunks.plain(data);
      assertNotNull(plain, data);
      JsonObject tree = new JsonObject(data);
      assertNull(tree.getValue("error"), data);
      assertEquals(new Chunks.Plain(Chunks.content(tree), Chunks.finishReason(tree), Chunks.usage(tree)), plain, data);
    }
  }

  @Test
  @DisplayName("every other event is left to the tree read, which keeps its answers and its failures")
  void unusualChunks() {
    for (String data : UNUSUAL) {
      assertNull(Chunks.plain(data), data);
    }
  }

  @Test
  @DisplayName("usage counts and the finish reason come through")
  void fields() {
    assertEquals(new Chunks.Plain("Hi", "stop", new Usage(3, 4)), Chunks.plain(
        "{\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"completion_tokens\":4,\"prompt_tokens\":3}}"));
  }
}
