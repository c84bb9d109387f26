package io.genesis.agent.model.upstream;

import io.genesis.agent.definition.AgentDefinition;
import io.genesis.common.config.GenesisConfig;
import io.genesis.common.config.ModelSettings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Where the OpenAI-compatible upstream is and how to call it.
 *
 * @param baseUrl {@code GENESIS_MODEL_BASE_URL}, with the API version as OpenAI's SDKs take it
 *     ({@code http://127.0.0.1:8000/v1}); a trailing slash is dropped
 * @param apiKey {@code GENESIS_MODEL_API_KEY}, sent as a bearer token; or null
 * @param defaultModel {@code GENESIS_MODEL_NAME}, for agents that name no model; or null
 * @param settings timeouts, retries, breaker and bulkhead
 * @param backoff pauses between retries
 */
public record UpstreamConfig(String baseUrl, String apiKey, String defaultModel, ModelSettings settings,
                             Backoff backoff) {
  public UpstreamConfig {
    baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public static UpstreamConfig from(GenesisConfig config) {
    return new UpstreamConfig(config.modelBaseUrl(), config.modelApiKey(), config.modelName(), config.model(),
        Backoff.DEFAULT);
  }

  /** The model to ask for {@code agent}: its own, else the default; null when there is neither. */
  String modelFor(AgentDefinition agent) {
    return agent.offline() ? defaultModel : agent.model();
  }

  /** {@code max_tokens} of {@code agent}'s requests: its own {@code maxTokens}, else the setting. */
  int maxTokensFor(AgentDefinition agent) {
    return agent.maxTokens() != null ? agent.maxTokens() : settings.maxTokens();
  }

  RequestOptions chatCompletions() {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(baseUrl + "/chat/completions")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
    return apiKey == null ? options : options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
  }
}
