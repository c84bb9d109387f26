package io.genesis.agent.model.upstream;

import io.genesis.agent.coach.calc.CalculatorTools;
import io.genesis.agent.coach.calc.CalculatorTools.Outcome;
import io.genesis.agent.model.ModelAnswer;
import io.genesis.agent.model.ReplySink;
import io.genesis.agent.model.upstream.ToolCallAssembler.ToolCall;
import io.genesis.common.bus.Messages.ToolUse;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reply from an upstream model that may call the agent's calculators (OpenAI function calling). Each
 * request offers them as {@code tools} with {@code tool_choice: "auto"}; an answer that ends with tool
 * calls gets them run here (pure arithmetic, on the event loop), each reported to the sink as a
 * {@link ToolUse}, and the model is asked again with the assistant message carrying the calls and one
 * {@code role: "tool"} message per result. After {@code maxRounds} such rounds, one more request says
 * {@code tool_choice: "none"}; a model that calls tools even then ends the reply with a 502
 * ({@link #overrun()}). Arguments that do not parse or fit are answered to the model as the call's error.
 * The text the model writes in every round streams to the sink as it comes: it is the reply.
 */
final class ToolRounds {
  private static final Logger LOG = LoggerFactory.getLogger(ToolRounds.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamConfig config;
  private final ReplySink sink;
  private final JsonObject body;
  private final JsonArray tools;
  private final int maxRounds;
  private final Answer answer;
  /** The names of the calculators offered: a call naming another is refused. */
  private final Set<String> offered;
  private final long startedAt = System.nanoTime();
  private int round;
  private ServiceException overrun;

  /** @param tools the {@code tools} to offer (empty: none, and the reply is one plain request) */
  ToolRounds(Vertx vertx, HttpClient client, UpstreamConfig config, JsonObject body, JsonArray tools, ReplySink sink) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.sink = sink;
    this.body = body;
    this.tools = tools;
    this.maxRounds = tools.isEmpty() ? 0 : config.settings().toolRounds();
    this.answer = new Answer(sink, config.settings().maxReplyChars());
    this.offered = new HashSet<>();
    tools.forEach(tool -> offered.add(((JsonObject) tool).getJsonObject("function").getString("name")));
  }

  /** The rounds, each with its own attempts; completes with the whole reply's text (as a cancel leaves it). */
  Future<ModelAnswer> run() {
    boolean offer = maxRounds > 0;
    if (offer) {
      body.put("tools", tools).put("tool_choice", round < maxRounds ? "auto" : "none");
    }
    int textBefore = answer.length();
    Attempts attempts = new Attempts(vertx, client, config, body.toBuffer(), sink, answer, startedAt);
    return attempts.run().compose(done -> {
      ToolCallAssembler calls = attempts.toolCalls();
      if (!offer || calls.isEmpty() || sink.cancelled().isComplete() || Answer.LENGTH.equals(done.finishReason())) {
        return Future.succeededFuture(done);
      }
      if (round >= maxRounds) {
        overrun = new ServiceException(502, "the model kept calling calculators after " + maxRounds
            + " rounds instead of answering", 1);
        LOG.warn("model upstream asked for tools again with tool_choice none, after {} rounds; the reply ends", maxRounds);
        return Future.succeededFuture(done);
      }
      List<ToolCall> made = calls.calls(++round);
      JsonArray messages = body.getJsonArray("messages");
      messages.add(assistantMessage(answer.textFrom(textBefore), made));
      for (ToolCall call : made) {
        Outcome outcome = outcome(call);
        sink.tool(new ToolUse(call.id(), call.name(), argumentsJson(call.arguments()),
            outcome.result() == null ? null : outcome.result().encode(), outcome.error()));
        messages.add(new JsonObject().put("role", "tool").put("tool_call_id", call.id()).put("content", outcome.content()));
      }
      answer.nextRound();
      return run();
    });
  }

  /** Set when the model called tools past the last round: the reply's failure (its text so far stays). */
  ServiceException overrun() {
    return overrun;
  }

  private Outcome outcome(ToolCall call) {
    if (call.name() == null) {
      return new Outcome(null, "the call names no function");
    }
    if (!offered.contains(call.name())) {
      return new Outcome(null, "no calculator named '" + call.name() + "'");
    }
    if (call.truncated()) {
      return new Outcome(null, "the arguments are longer than " + ToolCallAssembler.MAX_ARGUMENT_CHARS + " characters");
    }
    return CalculatorTools.run(call.name(), call.arguments());
  }

  /** The assistant's turn that made the calls, as OpenAI expects it before their results. */
  private static JsonObject assistantMessage(String text, List<ToolCall> calls) {
    JsonArray toolCalls = new JsonArray();
    for (ToolCall call : calls) {
      toolCalls.add(new JsonObject().put("id", call.id()).put("type", "function").put("function", new JsonObject()
          .put("name", call.name() == null ? "" : call.name()).put("arguments", call.arguments())));
    }
    return new JsonObject().put("role", "assistant").put("content", text.isEmpty() ? null : text)
        .put("tool_calls", toolCalls);
  }

  /** The arguments as a JSON object's text, or as a JSON string holding the model's text when that is not one. */
  static String argumentsJson(String raw) {
    try {
      return new JsonObject(raw.isBlank() ? "{}" : raw).encode();
    } catch (DecodeException | ClassCastException notAnObject) {
      return Json.toString(raw);
    }
  }
}
