package io.genesis.gateway.openapi;

import io.genesis.common.error.Problem.FieldError;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.InvalidRequest;
import io.genesis.gateway.http.JsonBodies;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a request against its OpenAPI operation before the route handler runs: path, query and header
 * parameters, then the JSON body. Every bad field is reported at once ({@code 400}, {@code errors}).
 *
 * <p>Field names: a parameter or header by its name ({@code sessionId}, {@code limit}), a body property
 * by its path ({@code content}, {@code roles[0]}, {@code a.b}), the whole body as {@code body}.
 *
 * <p>Vert.x's {@code RequestValidator} stops at the first bad parameter and runs on a worker; this
 * uses the same contract model and JSON Schema validators (output format {@code Basic}, which lists
 * every error), on the event loop: validation is CPU only. A value that a {@link QuickCheck} vouches for (a
 * usual message, a session id) skips the validator, which then has nothing to report.
 */
final class RequestValidation implements Handler<RoutingContext> {
  private static final String OPERATION_KEY = "genesis.openapi.operation";
  private static final String VALIDATED_KEY = "genesis.openapi.validated";
  private static final Object NONE = new Object();
  static final int MAX_ERRORS = 50;
  private static final int MAX_FIELD_NAME = 100;

  private final OpenAPIContract contract;
  private final Map<String, Checks> checks = new HashMap<>();

  RequestValidation(OpenAPIContract contract) {
    this.contract = contract;
    for (Operation operation : contract.operations()) {
      if (!OpenApi.isPlanned(operation.getExtensions())) {
        checks.put(operation.getOperationId(), new Checks(contract, operation));
      }
    }
  }

  /** The built operation the request is for, or null (unknown path, other method, or planned). */
  Operation operation(RoutingContext ctx) {
    Object known = ctx.get(OPERATION_KEY);
    if (known == null) {
      Operation operation = contract.findOperation(lookupPath(ctx.normalizedPath()), ctx.request().method());
      known = operation == null || !checks.containsKey(operation.getOperationId()) ? NONE : operation;
      ctx.put(OPERATION_KEY, known);
    }
    return known == NONE ? null : (Operation) known;
  }

  /** The path as the contract spells it: the router also matches a route with a trailing slash. */
  static String lookupPath(String normalized) {
    String path = normalized == null || normalized.isEmpty() ? "/" : normalized;
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = operation(ctx);
    if (operation == null || ctx.get(VALIDATED_KEY) != null) {
      ctx.next();
      return;
    }
    ctx.put(VALIDATED_KEY, Boolean.TRUE);
    Checks check = checks.get(operation.getOperationId());
    Errors errors = new Errors();
    String[] segments = lookupPath(ctx.normalizedPath()).substring(1).split("/", -1);
    for (ParameterCheck parameter : check.parameters) {
      if (parameter.location == Location.PATH && parameter.segment < segments.length && segments[parameter.segment].isEmpty()) {
        // "/sessions//messages": no route matches an empty segment; let the router answer 404.
        ctx.next();
        return;
      }
      parameter.check(ctx, segments, errors);
    }
    if (check.body != null) {
      check.body.check(ctx, errors);
    }
    if (errors.list.isEmpty()) {
      ctx.next();
    } else {
      ctx.fail(new InvalidRequest(errors.list));
    }
  }

  /** The field errors of one request: at most one per field, at most {@link #MAX_ERRORS}. */
  static final class Errors {
    final List<FieldError> list = new ArrayList<>();
    private final Map<String, Boolean> fields = new HashMap<>();

    void add(String field, String message) {
      String name = field.length() > MAX_FIELD_NAME ? field.substring(0, MAX_FIELD_NAME) + "…" : field;
      if (list.size() < MAX_ERRORS && fields.putIfAbsent(name, Boolean.TRUE) == null) {
        list.add(new FieldError(name, message));
      }
    }

    boolean has(String field) {
      return fields.containsKey(field);
    }
  }

  /** What to check for one operation, prepared once. */
  private static final class Checks {
    final List<ParameterCheck> parameters = new ArrayList<>();
    final BodyCheck body;

    Checks(OpenAPIContract contract, Operation operation) {
      String[] template = operation.getAbsoluteOpenAPIPath().substring(1).split("/", -1);
      for (Parameter parameter : operation.getParameters()) {
        if (OpenApi.isPlanned(parameter.getExtensions()) || parameter.getIn() == Location.COOKIE) {
          continue;
        }
        int segment = -1;
        for (int i = 0; i < template.length; i++) {
          if (template[i].equals("{" + parameter.getName() + "}")) {
            segment = i;
          }
        }
        parameters.add(new ParameterCheck(contract, parameter, segment));
      }
      RequestBody requestBody = operation.getRequestBody();
      MediaType json = requestBody == null ? null : requestBody.getContent().get("application/json");
      body = json == null ? null : new BodyCheck(contract, json);
    }
  }

  /** One path, query or header parameter: a scalar converted from text by its schema's type. */
  private static final class ParameterCheck {
    final Location location;
    final String name;
    final boolean required;
    final int segment;
    final JsonObject schema;
    final String type;
    final Validator validator;
    final QuickCheck quick;

    ParameterCheck(OpenAPIContract contract, Parameter parameter, int segment) {
      this.location = parameter.getIn();
      this.name = parameter.getName();
      this.required = parameter.isRequired();
      this.segment = segment;
      this.schema = parameter.getOpenAPIModel().getJsonObject("schema", new JsonObject());
      this.type = schema.getValue("type") instanceof String t ? t : "string";
      this.validator = contract.getSchemaRepository().validator(parameter.getSchema());
      this.quick = QuickCheck.of(contract.getSchemaRepository(), schema);
    }

    void check(RoutingContext ctx, String[] segments, Errors errors) {
      String raw;
      switch (location) {
        case PATH -> {
          String encoded = segment >= 0 && segment < segments.length ? segments[segment] : null;
          raw = encoded == null ? null : percentDecode(encoded);
          if (encoded != null && raw == null) {
            errors.add(name, "is not validly percent-encoded");
            return;
          }
        }
        case QUERY -> {
          List<String> values = ctx.queryParams().getAll(name);
          if (values.size() > 1) {
            errors.add(name, "must be given once");
            return;
          }
          raw = values.isEmpty() ? null : values.get(0);
        }
        case HEADER -> {
          List<String> values = ctx.request().headers().getAll(name);
          raw = values.isEmpty() ? null : String.join(", ", values);
        }
        default -> raw = null;
      }
      if (raw == null || raw.isEmpty()) {
        // An empty query value counts as absent, as the routes have always read it.
        if (required) {
          errors.add(name, "is required");
        }
        return;
      }
      Object value = convert(raw);
      if (value == null) {
        errors.add(name, Messages.typeMessage(schema));
        return;
      }
      if (quick != null && quick.certainlyValid(value)) {
        return;
      }
      OutputUnit result = validator.validate(value);
      if (!Boolean.TRUE.equals(result.getValid())) {
        errors.add(name, Messages.forParameter(schema, result));
      }
    }

    private Object convert(String raw) {
      switch (type) {
        case "integer":
          try {
            return Long.parseLong(raw);
          } catch (NumberFormatException e) {
            return null;
          }
        case "number":
          try {
            double number = Double.parseDouble(raw);
            return Double.isFinite(number) ? number : null;
          } catch (NumberFormatException e) {
            return null;
          }
        case "boolean":
          return "true".equals(raw) ? Boolean.TRUE : "false".equals(raw) ? Boolean.FALSE : null;
        default:
          return raw;
      }
    }
  }

  /** A JSON body: parsed, checked for NUL and lone surrogates, then validated against its schema. */
  private static final class BodyCheck {
    final JsonObject schema;
    final Validator validator;
    final QuickCheck quick;

    BodyCheck(OpenAPIContract contract, MediaType mediaType) {
      this.schema = mediaType.getOpenAPIModel().getJsonObject("schema", new JsonObject());
      this.validator = contract.getSchemaRepository().validator(mediaType.getSchema());
      this.quick = QuickCheck.of(contract.getSchemaRepository(), schema);
    }

    void check(RoutingContext ctx, Errors errors) {
      Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
      Object value;
      if (buffer == null || buffer.length() == 0) {
        value = new JsonObject(); // an absent body counts as {}, as the routes have always read it
      } else {
        try {
          value = Json.decodeValue(buffer);
        } catch (DecodeException e) {
          errors.add("body", "is not valid JSON");
          return;
        }
        if (value == null) {
          errors.add("body", "must be a JSON object");
          return;
        }
      }
      Unicode.check(value, "", errors);
      if (quick == null || !quick.certainlyValid(value)) {
        OutputUnit result = validator.validate(value);
        if (!Boolean.TRUE.equals(result.getValid())) {
          Messages.forBody(schema, result, errors);
        }
      }
      if (errors.list.isEmpty() && value instanceof JsonObject object) {
        JsonBodies.remember(ctx, object);
      }
    }
  }

  /** Percent-decodes a path segment as UTF-8; null when a {@code %} escape is malformed. */
  static String percentDecode(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          return null;
        }
        int hi = Character.digit(encoded.charAt(i + 1), 16);
        int lo = Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Strings in bodies must be valid Unicode without NUL (see {@link Fields#unicodeProblem}). */
  static final class Unicode {
    private Unicode() {}

    static void check(Object value, String path, Errors errors) {
      if (value instanceof String text) {
        String problem = Fields.unicodeProblem(text);
        if (problem != null) {
          errors.add(path.isEmpty() ? "body" : path, problem);
        }
      } else if (value instanceof JsonObject object) {
        for (Map.Entry<String, Object> entry : object) {
          String field = Messages.join(path, entry.getKey());
          String problem = Fields.unicodeProblem(entry.getKey());
          if (problem != null) {
            errors.add(field, "name " + problem);
          }
          check(entry.getValue(), field, errors);
        }
      } else if (value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          check(array.getValue(i), (path.isEmpty() ? "body" : path) + "[" + i + "]", errors);
        }
      }
    }
  }
}
