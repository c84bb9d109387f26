package io.genesis.gateway.openai;

import io.genesis.common.error.ServiceException;

/** A failure that OpenAI answers with a particular {@code type}, {@code param} and {@code code}. */
public final class OpenAiException extends ServiceException {
  private final String type;
  private final String param;
  private final String code;

  public OpenAiException(int status, String message, String type, String param, String code) {
    super(status, message);
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** What OpenAI answers for a model it does not have: a 404 whose type is {@code invalid_request_error}. */
  public static OpenAiException modelNotFound(String model) {
    return new OpenAiException(404, "The model `" + model + "` does not exist or you do not have access to it.",
        OpenAiError.INVALID_REQUEST, "model", "model_not_found");
  }

  public String type() {
    return type;
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }
}
