package io.genesis.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An RFC 9457 problem detail: the body of every error answer ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** One invalid field of a request: {@code field} is a JSON pointer-like name such as "content". */
  public record FieldError(String field, String message) {}

  public static Problem of(int status, String detail) {
    ProblemType kind = ProblemType.forStatus(status);
    return new Problem(kind.uri(), kind.title(), status, detail, null, null);
  }

  public static Problem validation(List<FieldError> errors) {
    ProblemType kind = ProblemType.VALIDATION;
    String detail = errors.size() == 1
        ? errors.get(0).field() + ": " + errors.get(0).message()
        : errors.size() + " fields are invalid: "
            + String.join(", ", errors.stream().map(FieldError::field).toList());
    return new Problem(kind.uri(), kind.title(), 400, detail, null, List.copyOf(errors));
  }

  public Problem withInstance(String path) {
    return new Problem(type, title, status, detail, path, errors);
  }
}
