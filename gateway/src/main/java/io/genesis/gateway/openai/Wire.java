package io.genesis.gateway.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.genesis.common.bus.Messages;
import io.genesis.common.bus.Messages.AgentView;
import java.util.List;

/** The JSON bodies of OpenAI's API that GENESIS answers with, field for field. */
final class Wire {
  /**
   * {@code created} of every model: agents have no creation date, and a fixed one keeps the list the
   * same on every gateway and after every restart (2025-01-01T00:00:00Z).
   */
  static final long MODELS_CREATED = 1_735_689_600L;
  static final String OWNER = "genesis";

  private Wire() {}

  record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    static Model of(AgentView agent) {
      return new Model(agent.id(), "model", MODELS_CREATED, OWNER);
    }
  }

  record ModelList(String object, List<Model> data) {
    static ModelList of(List<AgentView> agents) {
      return new ModelList("list", agents.stream().map(Model::of).toList());
    }
  }

  record Usage(@JsonProperty("prompt_tokens") int promptTokens, @JsonProperty("completion_tokens") int completionTokens,
               @JsonProperty("total_tokens") int totalTokens) {
    /** Counts of a reply; none known (a reply that failed) counts as zero. */
    static Usage of(Messages.Usage usage) {
      return usage == null ? new Usage(0, 0, 0)
          : new Usage(usage.promptTokens(), usage.completionTokens(), usage.promptTokens() + usage.completionTokens());
    }
  }

  record Message(String role, String content, String refusal) {}

  record Choice(int index, Message message, Object logprobs, @JsonProperty("finish_reason") String finishReason) {}

  record Completion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

  /** New text of a streamed reply: the first chunk carries the role, the last neither. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Delta(String role, String content) {}

  record ChunkChoice(int index, Delta delta, Object logprobs, @JsonProperty("finish_reason") String finishReason) {}

  record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices,
               @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}
}
