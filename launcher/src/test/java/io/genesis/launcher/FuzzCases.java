package io.genesis.launcher;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The cases {@link FuzzTest} sends, generated from the served OpenAPI document (its paths, operations,
 * parameters and body schemas) and a seeded generator: the same document and seed give the same cases.
 * One instance generates once.
 */
final class FuzzCases {
  /** One request: over HTTP with the client, or {@code raw} bytes over a socket. */
  record Case(String category, HttpMethod method, String uri, List<String[]> headers, Buffer body, boolean mustReject,
              Buffer raw) {
    String describe() {
      return category + " " + (raw != null ? "raw " + abbreviate(raw.toString(StandardCharsets.ISO_8859_1)
          .replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0").replaceAll("Bearer [^\\\\]+", "Bearer …"), 240)
          : method + " " + abbreviate(uri, 160) + " " + headers.stream().filter(h -> !h[0].equals("Authorization"))
              .map(h -> h[0] + ": " + abbreviate(h[1], 40)).toList() + " " + (body == null ? "" : abbreviate(body.toString(StandardCharsets.UTF_8), 160)));
    }
  }

  /** An operation of the document, with what the generator needs of it. */
  record Op(String template, HttpMethod method, String id, List<JsonObject> parameters, JsonObject bodySchema,
            boolean isPublic, boolean planned) {
    /** Stores or changes something (the OpenAI-compatible completions are stateless: they may answer 200). */
    boolean mutates() {
      return !planned && (method == HttpMethod.POST || method == HttpMethod.DELETE) && !id.equals("createChatCompletion");
    }
  }

  private static final String INVALID_BODY = "{\"content\":1,\"title\":1,\"userId\":1}";
  private static final List<String> BAD_AUTHORIZATIONS = List.of("", "Bearer", "Bearer ", "bearer x.y.z", "Basic dXNlcjpwYXNz",
      "Bearer TOKENx", "Bearer " + "a".repeat(3000), "Token TOKEN", "Bearer TOKEN, Bearer TOKEN", "Bearer a.b");
  private static final List<String> BAD_INTEGERS = List.of("abc", "1.5", "1e3", "-", "0x10", "+-1", "%EF%BC%91", "%D9%A3",
      "9".repeat(30), "NaN", "Infinity", "%201", "1%20", "true", "%00", "1%00", "-0.0", "%E2%80%AE1");
  private static final List<String> BAD_BOOLEANS = List.of("yes", "1", "0", "TRUE", "False", "ture", "null", "%5B%5D", "on", "%00");
  private static final List<String> BAD_UUIDS = List.of("not-a-uuid", "0190b1d8-3c3a-7000-8000-00000000000", "0190b1d8-3c3a-7000-8000-0000000000000",
      "urn:uuid:0190b1d8-3c3a-7000-8000-000000000000", "0190b1d8-3c3a-7000-8000-00000000000g", "%7B0190b1d8-3c3a-7000-8000-000000000000%7D",
      "0190b1d83c3a700080000000000000000000", "0190b1d8-3c3a-7000-8000-000000000000%00", "%00", "%ZZ", "..", "%2e%2e",
      "0190b1d8-3c3a-7000-8000-0000000000%C3%A9", "%E2%80%8B0190b1d8-3c3a-7000-8000-000000000000", "-1", "0", "null",
      "0190B1D8-3C3A-7000-8000-00000000000%20", "%F0%9F%98%80", "a".repeat(300));
  private static final List<String> BAD_CURSORS = List.of("!!!", "%00", "a".repeat(201), "a%20b", "..%2F..", "%C3%A9", "%E2%80%AE",
      "%E2%80%8B", "AAAA", "MTIzOmFiYw", "%2B%2F%3D", "%ED%A0%80", "%C0%AF", "%FF", "x".repeat(199) + "%00");
  private static final List<String> ODD = List.of("\u202Eevil", "zero\u200Bwidth", "\uFEFFbom", "e\u0301\u0301\u0301", "\uD83D\uDE00",
      "\u4E2D\u6587", "\u0645\u0631\u062D\u0628\u0627", "\u00A0", "\u2028", "\uFFFF", "\uFFFD", "\u0007bell", "tab\tnew\nline");
  private static final List<String> INVALID_STRINGS_JSON = List.of("\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\"", "\"x\\u0000y\"",
      "\"\\ud83d\"", "\"\\ude00\\ud83d\"");
  private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/jsonp", "application/json-seq", "text/json", "application/",
      "*/*", "application/problem+json", "application/x-json", "json", ";", "application/json5", "text/html; charset=utf-8",
      "application/vnd.api+json", "application/octet-stream");
  private static final List<String> MALFORMED = List.of("{", "}", "{'content':1}", "{\"content\":}", "{\"content\":1,}", "NaN",
      "{\"content\":NaN}", "/*c*/{\"content\":1}", "{\"content\":1}garbage", "\"unterminated", "{\"content\":\"\\x41\"}",
      "{\"content\":\"\\u12\"}", "[]", "42", "\"s\"", "null", "true", "{\"content\":01}", "{\"a\" \"b\"}", "{,}", ":", "[{]}",
      "{\"content\":-}", "{\"content\":1e99999}", "\t\n ", "{\"content\":tru}", "{\"\\ud800\":1}");
  private static final List<String> UNKNOWN_KEYS = List.of("__proto__", "constructor", "$where", "extra", "Content", "content ",
      " content", "CONTENT", "a".repeat(1000), "\u202Econtent", "zero\u200Bwidth", "\uD83D\uDE00", "", "null");

  private final OpenApiDocument document;
  private final String sessionId;
  private final String token;
  private final int target;
  private final int maxBody;
  private final Random random;
  private final List<Case> cases = new ArrayList<>();

  /**
   * @param sessionId a session of the fuzz user (what the reading cases address)
   * @param token     the fuzz user's token
   * @param target    how many cases at least
   * @param maxBody   the server's body limit (the too-large cases go past it)
   */
  FuzzCases(OpenApiDocument document, String sessionId, String token, long seed, int target, int maxBody) {
    this.document = document;
    this.sessionId = sessionId;
    this.token = token;
    this.target = target;
    this.maxBody = maxBody;
    this.random = new Random(seed);
  }

  /** The raw requests, then rounds over every operation until there are {@code target} cases. */
  List<Case> generate() {
    List<Op> ops = operations();
    raw();
    while (cases.size() < target) {
      round(ops);
    }
    return cases;
  }

  /** The operations of the document, its paths in order. */
  private List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    new TreeMap<>(document.paths().getMap()).forEach((path, itemValue) -> {
      JsonObject item = (JsonObject) document.inline(document.pathItem(path));
      List<JsonObject> shared = new ArrayList<>();
      item.getJsonArray("parameters", new JsonArray()).forEach(p -> shared.add((JsonObject) p));
      for (String method : List.of("get", "post", "put", "patch", "delete")) {
        JsonObject op = item.getJsonObject(method);
        // eraseMe takes nothing that can be made invalid, so any authorised case rightly erases the fuzzing
        // user (and the session the other cases read): PrivacyTest and OpenApiTest cover it instead.
        if (op == null || "eraseMe".equals(op.getString("operationId"))) {
          continue;
        }
        List<JsonObject> parameters = new ArrayList<>(shared);
        op.getJsonArray("parameters", new JsonArray()).forEach(p -> parameters.add((JsonObject) p));
        JsonObject content = op.getJsonObject("requestBody") == null ? null : op.getJsonObject("requestBody").getJsonObject("content");
        // A PATCH takes a JSON Merge Patch: its bodies are JSON too (sent as application/json, they are refused 415).
        JsonObject body = content == null ? null : content.getJsonObject(content.containsKey("application/json")
            ? "application/json" : "application/merge-patch+json").getJsonObject("schema");
        boolean isPublic = op.getJsonArray("security") != null && op.getJsonArray("security").isEmpty();
        ops.add(new Op(path, HttpMethod.valueOf(method.toUpperCase()), op.getString("operationId"), parameters, body,
            isPublic, "planned".equals(op.getString("x-genesis-status"))));
      }
    });
    return ops;
  }

  /** A UUID from the seeded generator (random, not v7: no session has it). */
  private String randomId() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private String realSession(Op op) {
    return sessionId;
  }

  private String path(Op op, String sessionValue) {
    return op.template().replace("{sessionId}", sessionValue).replace("{agentId}", "sage").replace("{model}", "sage")
        .replace("{asset}", "app.js");
  }

  /** A body that satisfies the schema (what the mutations start from). */
  private JsonObject validBody(Op op) {
    JsonObject body = new JsonObject();
    JsonObject properties = op.bodySchema().getJsonObject("properties", new JsonObject());
    properties.forEach(p -> body.put(p.getKey(), sample(p.getKey(), (JsonObject) p.getValue())));
    return body;
  }

  private Object sample(String name, JsonObject schema) {
    String type = type(schema);
    return switch (type) {
      case "integer" -> schema.getValue("minimum") == null ? 1 : schema.getValue("minimum");
      case "boolean" -> false;
      case "array" -> new JsonArray().add(sample(name, schema.getJsonObject("items", new JsonObject())));
      case "object" -> new JsonObject();
      default -> name.toLowerCase().contains("agent") || name.equals("model") ? "sage" : name.equals("role") ? "user" : "fuzz";
    };
  }

  private String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof JsonArray array) {
      return array.stream().map(String::valueOf).filter(t -> !t.equals("null")).findFirst().orElse("string");
    }
    return type == null ? "string" : type.toString();
  }

  /**
   * Adds a case. An operation that stores something must refuse it (mustReject): it is sent to a
   * session that does not exist, and with a body that is invalid when the case has none of its own.
   */
  private void add(String category, Op op, String uri, Buffer body, String... headers) {
    List<String[]> list = new ArrayList<>();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      list.add(new String[] {headers[i], headers[i + 1]});
    }
    if (op.mutates()) {
      uri = uri.replace(sessionId, randomId());
      if (body == null && op.bodySchema() != null) {
        body = Buffer.buffer(INVALID_BODY);
        if (list.stream().noneMatch(h -> h[0].equalsIgnoreCase("Content-Type"))) {
          list.add(new String[] {"Content-Type", "application/json"});
        }
      }
    }
    boolean withToken = !op.isPublic() && random.nextInt(10) != 0;
    String caseCategory = category;
    if (!op.isPublic() && !withToken) {
      caseCategory = category + "+no-token";
      String bad = BAD_AUTHORIZATIONS.get(random.nextInt(BAD_AUTHORIZATIONS.size()));
      if (!bad.isEmpty()) {
        list.add(new String[] {"Authorization", bad.replace("TOKEN", token)});
      }
    } else if (withToken && list.stream().noneMatch(h -> h[0].equalsIgnoreCase("Authorization"))) {
      list.add(new String[] {"Authorization", "Bearer " + token});
    }
    cases.add(new Case(caseCategory, op.method(), uri, list, body, op.mutates(), null));
  }

  private void addJson(String category, Op op, String uri, String json, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    add(category, op, uri, Buffer.buffer(json), all);
  }

  private String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One round: a case of every category that applies to every operation. */
  private void round(List<Op> ops) {
    for (Op op : ops) {
      List<JsonObject> query = op.parameters().stream().filter(p -> "query".equals(p.getString("in"))).toList();
      List<JsonObject> pathParams = op.parameters().stream().filter(p -> "path".equals(p.getString("in"))).toList();
      String base = path(op, op.mutates() && op.bodySchema() != null ? randomId() : realSession(op));
      String realBase = path(op, realSession(op));
      // -- parameters
      for (JsonObject p : query) {
        String name = p.getString("name");
        JsonObject schema = p.getJsonObject("schema", new JsonObject());
        switch (type(schema)) {
          case "integer" -> {
            add("param-type", op, realBase + "?" + name + "=" + pick(BAD_INTEGERS), null);
            long min = schema.getLong("minimum", Long.MIN_VALUE);
            long max = schema.getLong("maximum", Long.MAX_VALUE);
            String out = pick(List.of(String.valueOf(min - 1), String.valueOf(max + 1), "-9223372036854775808",
                "9223372036854775808", String.valueOf(max * 1000)));
            add("param-range", op, realBase + "?" + name + "=" + out, null);
          }
          case "boolean" -> add("param-type", op, realBase + "?" + name + "=" + pick(BAD_BOOLEANS), null);
          default -> {
            if ("uuid".equals(schema.getString("format"))) {
              add("bad-uuid", op, realBase + "?" + name + "=" + pick(BAD_UUIDS), null);
            } else {
              add("bad-cursor", op, realBase + "?" + name + "=" + pick(BAD_CURSORS), null);
            }
          }
        }
        add("param-duplicate", op, realBase + "?" + name + "=1&" + name + "=" + pick(List.of("2", "x", "", "true", "%00")), null);
        add("param-odd-unicode", op, realBase + "?" + name + "=" + enc(pick(ODD)), null);
      }
      for (JsonObject p : pathParams) {
        String name = p.getString("name");
        String bad = "uuid".equals(p.getJsonObject("schema", new JsonObject()).getString("format"))
            ? pick(BAD_UUIDS) : pick(List.of("a".repeat(65), "%ZZ", "%00", enc(pick(ODD)), "%F0%9F%98%80".repeat(40)));
        String uri = op.template().replace("{" + name + "}", bad).replace("{sessionId}", sessionId).replace("{agentId}", "sage")
            .replace("{model}", "sage");
        if (op.bodySchema() != null) {
          addJson("bad-uuid", op, uri, validBody(op).encode());
        } else {
          add("bad-uuid", op, uri, null);
        }
      }
      // -- headers
      String bigValue = "h".repeat(1000 + random.nextInt(5000));
      switch (random.nextInt(6)) {
        case 0 -> add("header-huge", op, realBase, null, "X-Request-Id", bigValue);
        case 1 -> add("header-huge", op, realBase, null, "If-None-Match", bigValue, "Accept", "text/event-stream, " + bigValue);
        case 2 -> add("header-over-limit", op, realBase, null, "X-Big", "b".repeat(9_000));
        case 3 -> add("header-duplicate", op, realBase, null, "X-Request-Id", "a", "X-Request-Id", "b", "Accept", "*/*", "Accept", "x/y");
        case 4 -> add("header-odd", op, realBase, null, "X-Request-Id", "../../etc/passwd", "Accept", ";;;q=x",
            "If-None-Match", "\"" + "W/".repeat(100) + "\"");
        default -> add("header-odd", op, realBase, null, "Accept", "text/event-stream", "Accept-Encoding", "gzip;q=NaN",
            "X-Forwarded-For", "not-an-ip", "Forwarded", "for=\"[::1\"");
      }
      // -- wrong method
      List<HttpMethod> others = new ArrayList<>(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
          HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.TRACE));
      JsonObject item = document.pathItem(op.template());
      others.removeIf(m -> item.containsKey(m.name().toLowerCase()));
      if (!others.isEmpty()) {
        HttpMethod wrong = pick(others);
        cases.add(new Case("wrong-method", wrong, realBase.replace(sessionId, randomId()),
            List.<String[]>of(new String[] {"Authorization", "Bearer " + token}), null, true, null));
        cases.add(new Case("wrong-method", wrong, "/openapi.json".equals(op.template()) ? realBase : realBase + "/",
            List.<String[]>of(new String[] {"Authorization", "Bearer " + token}), null, true, null));
      }
      // -- odd paths
      String oddPath = pick(List.of(realBase + "/extra", realBase.replace("/api/v1/", "/api/v1//"), realBase + "/%2e%2e/x",
          realBase + "%2F", realBase.toUpperCase(), realBase.replace("/v1/", "/v2/"), realBase + ";jsessionid=1",
          realBase + "/..", realBase + "%00", realBase + "/%ZZ", realBase + "/" + "%F0%9F%98%80", realBase + "?%ZZ=1",
          realBase + "?" + "q".repeat(3000) + "=1", "/" + "x/".repeat(500), realBase + "#frag"));
      add("odd-path", op, oddPath, null);
      // -- bodies
      if (op.bodySchema() == null || op.planned()) {
        if (op.bodySchema() != null) {
          addJson("planned-body", op, base, pick(MALFORMED));
        }
        continue;
      }
      bodies(op, base, realBase);
    }
  }

  private void bodies(Op op, String base, String realBase) {
    JsonObject schema = op.bodySchema();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    List<String> names = new ArrayList<>(properties.fieldNames());
    Collections.sort(names);
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    boolean creates = op.id().equals("createSession");
    // missing required fields
    for (Object name : required) {
      JsonObject body = validBody(op);
      body.remove((String) name);
      addJson("body-missing-required", op, realBase, body.encode());
    }
    // wrong types
    for (String name : names) {
      JsonObject body = validBody(op);
      String type = type(properties.getJsonObject(name));
      Object wrong = switch (type) {
        case "string" -> pick(List.of(1, 1.5, true, new JsonArray(), new JsonObject().put("a", 1), -0.0));
        case "integer" -> pick(List.of("1", 1.5, true, new JsonArray(), 1e300));
        case "array" -> pick(List.of("user", 1, new JsonObject(), new JsonArray().add(1).add(new JsonObject())));
        default -> "x";
      };
      body.put(name, wrong);
      addJson("body-wrong-type", op, realBase, body.encode());
    }
    // huge values, out of range
    for (String name : names) {
      JsonObject property = properties.getJsonObject(name);
      JsonObject body = validBody(op);
      Integer maxLength = property.getInteger("maxLength");
      String type = type(property);
      if ("string".equals(type) && maxLength != null) {
        String unit = pick(List.of("x", "\uD83D\uDE00", "\u00E9", "\u200B"));
        body.put(name, unit.repeat(maxLength + 1 + random.nextInt(3)));
      } else if ("integer".equals(type)) {
        body.put(name, pick(List.of(property.getLong("maximum", 0L) + 1, property.getLong("minimum", 0L) - 1, Long.MAX_VALUE)));
      } else if ("array".equals(type)) {
        JsonArray many = new JsonArray();
        for (int i = 0; i < property.getInteger("maxItems", 8) + 1; i++) {
          many.add("user");
        }
        body.put(name, many);
      } else {
        body.put(name, "y".repeat(100_000));
      }
      addJson("body-huge", op, realBase, body.encode());
    }
    // invalid Unicode and NUL inside strings
    for (String name : names) {
      if (!"string".equals(type(properties.getJsonObject(name)))) {
        continue;
      }
      JsonObject body = validBody(op);
      body.put(name, "@@");
      addJson("body-invalid-unicode", op, realBase, body.encode().replace("\"@@\"", pick(INVALID_STRINGS_JSON)));
    }
    // odd but valid Unicode: where the body could be stored, only in places that refuse it anyway
    {
      JsonObject body = validBody(op);
      String odd = pick(ODD);
      if (creates) {
        body.put("agentId", "sage" + odd);
        addJson("body-odd-unicode", op, realBase, body.encode());
      } else {
        for (String name : names) {
          if ("string".equals(type(properties.getJsonObject(name))) && !name.toLowerCase().contains("agent")) {
            body.put(name, "fuzz " + odd);
          }
        }
        addJson("body-odd-unicode", op, base, body.encode());
      }
    }
    // unknown properties
    {
      JsonObject body = validBody(op);
      body.put(pick(UNKNOWN_KEYS), pick(List.of(1, "x", new JsonObject(), new JsonArray())));
      addJson("body-unknown-property", op, realBase, body.encode());
    }
    // wrong content types (the valid body, so only the media type is wrong)
    {
      String json = validBody(op).encode();
      add("content-type", op, creates ? realBase : base, Buffer.buffer(json), "Content-Type", pick(CONTENT_TYPES));
      add("content-type-missing", op, creates ? realBase : base, Buffer.buffer(json));
      add("content-type-duplicate", op, realBase, Buffer.buffer("{\"content\":1,\"title\":1,\"userId\":1}"),
          "Content-Type", "text/plain", "Content-Type", "application/json");
      addJson("content-type-charset", op, realBase, "{\"content\":1,\"title\":1,\"userId\":1}".replace("1", pick(List.of("1", "[]"))),
          "Content-Type", pick(List.of("application/json; charset=utf-16", "application/json; charset=latin1", "APPLICATION/JSON")));
    }
    // truncated JSON
    {
      JsonObject body = validBody(op);
      String json = body.encode();
      addJson("truncated-json", op, realBase, json.substring(0, 1 + random.nextInt(json.length() - 1)));
    }
    // malformed JSON and invalid UTF-8
    {
      addJson("malformed-json", op, realBase, pick(MALFORMED));
      byte[] bad = pick(List.of(new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
          new byte[] {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
          new byte[] {'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', ',', '"', 'x', '"', ':', '1', '}'}));
      cases.add(new Case("invalid-utf8", op.method(), creates ? realBase : base,
          withAuth(op, new String[] {"Content-Type", "application/json"}), Buffer.buffer(bad), op.mutates(), null));
    }
    // deep nesting
    {
      int depth = pick(List.of(10, 100, 999, 1001, 5_000, 20_000));
      String field = names.isEmpty() ? "a" : pick(names);
      String nested = random.nextBoolean()
          ? "[".repeat(depth) + "]".repeat(depth)
          : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
      addJson("deep-nesting", op, realBase, "{\"" + field + "\":" + nested + "}");
    }
    // too large
    {
      JsonObject body = validBody(op);
      body.put("padding", "p".repeat(maxBody + random.nextInt(10_000)));
      addJson("too-large", op, realBase, body.encode());
    }
  }

  private List<String[]> withAuth(Op op, String[] header) {
    List<String[]> list = new ArrayList<>();
    list.add(header);
    if (!op.isPublic()) {
      list.add(new String[] {"Authorization", "Bearer " + token});
    }
    return list;
  }

  /** Requests the HTTP client will not write: sent as bytes. */
  private void raw() {
    String auth = "Authorization: Bearer " + token + "\r\n";
    String s = "/api/v1/sessions/" + sessionId + "/messages";
    List<String> requests = List.of(
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nBad Name: a\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nNoColon\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n folded\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\nHost: x\n" + auth.replace("\r", "") + "\n",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n" + auth + "\r\n{\"a\":}",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n" + auth + "\r\n",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n" + auth + "\r\nzz\r\n",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + auth + "\r\nzz\r\n{}\r\n0\r\n\r\n",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n" + auth + "\r\n{\"content\":\"x\"}",
        "GET /\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /api/v1/agents/\u00E9\u00FF HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "get /api/v1/agents HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "FOO /api/v1/agents HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "GET http://evil.example/api/v1/agents HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "GET /api/v1/sessions?cursor=" + "c".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\n" + auth + "\r\n",
        "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\n" + auth + "\r\n{}",
        "POST " + s + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n" + auth + "\r\n{}",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nX-Request-Id: \u00E9\u00E9\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00FF\u00FE\r\n\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\n" + "X-Many: 1\r\n".repeat(2_000) + auth + "\r\n",
        "GET /api/v1/agents%00 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
        "GET /api/v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n" + auth + "\r\n",
        "DELETE /api/v1/sessions/" + sessionId + "%2F.. HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    for (String request : requests) {
      String closing = request.replaceFirst("\r?\n", "\r\nConnection: close\r\n");
      if (request.startsWith("GET /\r\n")) {
        closing = request;
      }
      cases.add(new Case("raw-http", null, null, List.of(), null, false, Buffer.buffer(closing.getBytes(StandardCharsets.ISO_8859_1))));
    }
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + ")";
  }
}
