package io.genesis.gateway.http;

import io.genesis.common.error.Problem.FieldError;
import java.util.List;

/** A request that fails validation: answered 400 with an {@code errors} entry per bad field. */
public final class InvalidRequest extends RuntimeException {
  private final List<FieldError> errors;

  public InvalidRequest(List<FieldError> errors) {
    super(errors.toString(), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public static InvalidRequest of(String field, String message) {
    return new InvalidRequest(List.of(new FieldError(field, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
