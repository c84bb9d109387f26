package io.genesis.agent.model.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.model.upstream.ToolCallAssembler.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Tool calls put together from streamed tool_calls fragments")
class ToolCallAssemblerTest {

  /** Feeds {@code chunks} (whole chat.completion.chunk texts) as the exchange does. */
  private static ToolCallAssembler assemble(String... chunks) {
    ToolCallAssembler assembler = new ToolCallAssembler();
    for (String chunk : chunks) {
      JsonArray calls = Chunks.toolCalls(new JsonObject(chunk));
      if (calls != null) {
        assembler.add(calls);
      }
    }
    return assembler;
  }

  private static String fragment(String toolCalls) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":" + toolCalls + "},\"finish_reason\":null}]}";
  }

  @Test
  @DisplayName("one call: id and name first, the arguments in pieces across chunks (as OpenAI streams them)")
  void oneCallInPieces() {
    ToolCallAssembler calls = assemble(
        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}]}",
        fragment("[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"nutrition\",\"arguments\":\"\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\"{\\\"sex\\\":\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\"\\\"male\\\",\\\"age\\\"\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\":30}\"}}]"),
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
    assertEquals(List.of(new ToolCall("call_a", "nutrition", "{\"sex\":\"male\",\"age\":30}", false)), calls.calls(1));
  }

  @Test
  @DisplayName("several calls told apart by index, their fragments interleaved, come out in index order")
  void severalByIndex() {
    ToolCallAssembler calls = assemble(
        fragment("[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"pace\",\"arguments\":\"\"}}]"),
        fragment("[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"heart-rate-zones\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\"{\\\"age\\\"\"}},{\"index\":1,\"function\":{\"arguments\":\"{}\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\":41}\"}}]"));
    assertEquals(List.of(new ToolCall("call_1", "heart-rate-zones", "{\"age\":41}", false),
        new ToolCall("call_2", "pace", "{}", false)), calls.calls(1));
  }

  @Test
  @DisplayName("without index: a new id starts a call, other fragments extend the last; a repeated name is not doubled")
  void withoutIndex() {
    ToolCallAssembler calls = assemble(
        fragment("[{\"id\":\"x\",\"function\":{\"name\":\"pace\",\"arguments\":\"{\\\"distanceKm\\\":5,\"}}]"),
        fragment("[{\"function\":{\"name\":\"pace\",\"arguments\":\"\\\"durationSeconds\\\":1500}\"}}]"),
        fragment("[{\"id\":\"y\",\"function\":{\"name\":\"heart-rate-zones\",\"arguments\":\"{\\\"age\\\":30}\"}}]"));
    assertEquals(List.of(new ToolCall("x", "pace", "{\"distanceKm\":5,\"durationSeconds\":1500}", false),
        new ToolCall("y", "heart-rate-zones", "{\"age\":30}", false)), calls.calls(1));
  }

  @Test
  @DisplayName("a call without id gets one naming its round; one without name keeps none (it is refused when run)")
  void missingIdAndName() {
    List<ToolCall> calls = assemble(fragment("[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]")).calls(2);
    assertEquals(List.of(new ToolCall("call_2_0", null, "{}", false)), calls);
  }

  @Test
  @DisplayName("fragments of the wrong shape are skipped; no tool_calls at all leaves it empty")
  void wrongShapes() {
    assertTrue(assemble("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}", "{\"choices\":[]}").isEmpty());
    ToolCallAssembler calls = assemble(fragment("[7,\"x\",null,{\"index\":-1,\"id\":\"neg\"},{\"index\":0,\"id\":\"ok\","
        + "\"function\":{\"name\":3,\"arguments\":{\"not\":\"a string\"}}}]"));
    assertFalse(calls.isEmpty());
    assertEquals(List.of(new ToolCall("ok", null, "", false)), calls.calls(1));
  }

  @Test
  @DisplayName("arguments past the limit are cut and marked; calls past the limit are dropped")
  void limits() {
    String big = "x".repeat(ToolCallAssembler.MAX_ARGUMENT_CHARS - 1);
    ToolCall cut = assemble(fragment("[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"pace\",\"arguments\":\"" + big + "\"}}]"),
        fragment("[{\"index\":0,\"function\":{\"arguments\":\"yz\"}}]")).calls(1).get(0);
    assertTrue(cut.truncated());
    assertEquals(ToolCallAssembler.MAX_ARGUMENT_CHARS, cut.arguments().length());
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < ToolCallAssembler.MAX_CALLS + 5; i++) {
      many.append(i == 0 ? "" : ",").append("{\"index\":").append(i).append(",\"id\":\"c").append(i)
          .append("\",\"function\":{\"name\":\"pace\",\"arguments\":\"{}\"}}");
    }
    assertEquals(ToolCallAssembler.MAX_CALLS, assemble(fragment(many.append(']').toString())).calls(1).size());
  }
}
