package io.genesis.gateway.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genesis.common.api.ApiLimits;
import io.genesis.common.bus.Addresses;
import io.genesis.common.bus.Messages.ClaimResult;
import io.genesis.common.bus.Messages.IdempotencyClaim;
import io.genesis.common.bus.Messages.IdempotencyOutcome;
import io.genesis.common.bus.Messages.IdempotencyRecord;
import io.genesis.common.bus.Messages.IdempotencyRelease;
import io.genesis.common.error.ServiceException;
import io.genesis.common.json.Json;
import io.genesis.common.log.ThrottledLog;
import io.genesis.gateway.bus.ServiceClient;
import io.genesis.gateway.http.Fields;
import io.genesis.gateway.http.InvalidRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} (IETF draft, as Stripe behaves): the first request with a key claims it in the
 * session service (a primary key decides, never check-then-act) and does the work; a retry with the same
 * key and body gets the first result; with another body, {@code 422}. Keys are the caller's own and last
 * 24 h. A claim whose request failed before storing anything is released, so the retry runs.
 */
public final class IdempotencyKeys {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
  private static final ThrottledLog UNRECORDED = ThrottledLog.warn(LOG);
  public static final String HEADER = "Idempotency-Key";
  /** How long a retry is told to wait while the first request still runs and cannot be joined. */
  public static final int RUNNING_RETRY_AFTER_SECONDS = 1;

  private final ServiceClient services;
  /** Keyed with a secret of the deployment, so a digest kept beside its key and ids does not give a short body away. */
  private final ThreadLocal<Mac> macs;

  /** @param encryptionKey {@code GENESIS_ENCRYPTION_KEY}, from which the digests' key is derived (null: plain SHA-256) */
  public IdempotencyKeys(ServiceClient services, String encryptionKey) {
    this.services = services;
    byte[] digestKey = encryptionKey == null ? null
        : sha256().digest(("genesis idempotency digest|" + encryptionKey).getBytes(StandardCharsets.UTF_8));
    this.macs = digestKey == null ? null : ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(digestKey, "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
      }
    });
  }

  /** One claimed key: who, which key, which attempt. */
  public record Claim(String userId, String key, String replyId) {}

  /** A key already used: its first request ran (or runs) with {@code record}. */
  public static final class Duplicate extends RuntimeException {
    private final transient IdempotencyRecord record;

    public Duplicate(IdempotencyRecord record) {
      super("idempotency key already used", null, false, false);
      this.record = record;
    }

    public IdempotencyRecord record() {
      return record;
    }
  }

  /** The header's key, or null when absent; a malformed one (empty, too long, control characters) is a 400. */
  public static String key(String header) {
    if (header == null) {
      return null;
    }
    return check(header, HEADER);
  }

  /** A key as a WebSocket frame's {@code requestId} or a header carries it, checked the same way. */
  public static String check(String key, String field) {
    if (key.isBlank()) {
      throw InvalidRequest.of(field, "must not be empty");
    }
    if (key.codePointCount(0, key.length()) > ApiLimits.IDEMPOTENCY_KEY_CHARS) {
      throw InvalidRequest.of(field, "must have at most " + ApiLimits.IDEMPOTENCY_KEY_CHARS + " characters");
    }
    String problem = Fields.unicodeProblem(key);
    if (problem != null || key.chars().anyMatch(Character::isISOControl)) {
      throw InvalidRequest.of(field, problem != null ? problem : "must not contain control characters");
    }
    return key;
  }

  /**
   * Claims {@code key}; fails with {@link Duplicate} when it was used before with the same body, with a
   * {@code 422} when with another.
   */
  public Future<Claim> claim(IdempotencyClaim claim) {
    return services.<ClaimResult>request(Addresses.IDEMPOTENCY_CLAIM, claim).compose(result -> {
      if (result.claimed()) {
        return Future.succeededFuture(new Claim(claim.userId(), claim.key(), claim.replyId()));
      }
      IdempotencyRecord first = result.existing();
      if (!first.digest().equals(claim.digest()) || !first.route().equals(claim.route())) {
        return Future.failedFuture(new ServiceException(422,
            "this Idempotency-Key was used with another request body; use a new key for a new request"));
      }
      return Future.failedFuture(new Duplicate(first));
    });
  }

  /** The first request is done: its outcome answers the retries. Best effort: a lost outcome leaves the stored messages to answer. */
  public Future<Void> finish(Claim claim, String outcome) {
    if (claim == null) {
      return Future.succeededFuture();
    }
    return services.request(Addresses.IDEMPOTENCY_FINISH, new IdempotencyOutcome(claim.userId(), claim.key(), claim.replyId(), outcome))
        .<Void>mapEmpty()
        .recover(failure -> {
          UNRECORDED.log("the outcome of an idempotent request was not recorded: {}", failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** The first request stored nothing: the key is free for its retry. */
  public Future<Void> release(Claim claim) {
    if (claim == null) {
      return Future.succeededFuture();
    }
    return services.request(Addresses.IDEMPOTENCY_RELEASE, new IdempotencyRelease(claim.userId(), claim.key(), claim.replyId()))
        .<Void>mapEmpty()
        .recover(failure -> {
          UNRECORDED.log("an idempotency key was not released: {}", failure.getMessage());
          return Future.succeededFuture();
        });
  }

  /** A failure as an outcome keeps it: {@code {"status","detail","retryAfterSeconds"}}. */
  public static ObjectNode problem(ServiceException failure) {
    return Json.MAPPER.createObjectNode().put("status", failure.status()).put("detail", failure.getMessage())
        .put("retryAfterSeconds", failure.retryAfterSeconds());
  }

  /** The failure an outcome (or a problem's JSON) holds, answered again to the retry. */
  public static ServiceException failure(JsonNode problem) {
    return new ServiceException(problem.path("status").asInt(500), problem.path("detail").asText(),
        problem.path("retryAfterSeconds").asInt(0));
  }

  /**
   * A first request that failed after storing the user's message is not run again under its key (that would
   * store the message twice): its retries get a {@code 409} naming the failure, without {@code Retry-After},
   * so a client that retries with the same key stops, and sends the message again under a new key.
   */
  public static ServiceException firstFailed(ServiceException failure) {
    return new ServiceException(409, "the first request with this Idempotency-Key failed (" + failure.status() + ": "
        + failure.getMessage() + "); send it again with a new key");
  }

  /**
   * How long a first request may run: the longest reply (the upstream's total timeout, 120 s by default) and the
   * detached bound, with room to spare. A claim older than this with no outcome lost its gateway.
   */
  public static final java.time.Duration ABANDONED_AFTER = java.time.Duration.ofMinutes(10);

  /** The {@code 409} for a retry whose first request never finished (its gateway went away). */
  public static ServiceException abandoned() {
    return new ServiceException(409, "the first request with this Idempotency-Key never finished (the server "
        + "running it went away); send it again with a new key");
  }

  /** The {@code 409} for a retry whose first request still runs and cannot be joined. */
  public static ServiceException stillRunning() {
    return new ServiceException(409, "the first request with this Idempotency-Key is still running; retry shortly",
        RUNNING_RETRY_AFTER_SECONDS);
  }

  /**
   * The HMAC-SHA256 (hex) of a request, keyed with the deployment's secret, over its caller, key and route and
   * {@code parts}, the request's meaningful fields in a fixed order (null and absent are the same).
   */
  public String digest(String userId, String key, String route, String... parts) {
    StringBuilder text = new StringBuilder();
    append(text, userId);
    append(text, key);
    append(text, route);
    for (String part : parts) {
      append(text, part == null ? "" : part);
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(macs == null ? sha256().digest(bytes) : macs.get().doFinal(bytes));
  }

  /** The canonical text of a JSON body: object members sorted by name, no insignificant whitespace. */
  public static String canonical(JsonObject body) {
    return Json.toString(sorted(Json.MAPPER.valueToTree(body.getMap())));
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> members = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        members.put(field.getKey(), sorted(field.getValue()));
      }
      ObjectNode out = Json.MAPPER.createObjectNode();
      members.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = Json.MAPPER.createArrayNode();
      node.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }

  /** Each part with its length first: no two different lists of parts make the same text. */
  private static void append(StringBuilder text, String part) {
    text.append(part.length()).append(':').append(part);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
