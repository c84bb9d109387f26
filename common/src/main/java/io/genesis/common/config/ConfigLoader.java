package io.genesis.common.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.genesis.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads settings from the environment and an optional {@code GENESIS_CONFIG} file (JSON or YAML,
 * keys named like the variables, with or without the {@code GENESIS_} prefix, in any case); the
 * environment wins. Every value is checked; the first bad one throws a {@link ConfigException}.
 * Runs once on the main thread before Vert.x starts, so plain file IO is fine here.
 */
public final class ConfigLoader {
  static final String PREFIX = "GENESIS_";
  private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
  /** Dot-separated Java identifiers: a package, a class, or a name such as {@code genesis.access}. */
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|)");
  private static final Pattern LOGGER_NAME = Pattern.compile(
      "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

  private ConfigLoader() {}

  public static GenesisConfig fromEnvironment() {
    return load(System.getenv());
  }

  public static GenesisConfig load(Map<String, String> env) {
    Map<String, String> settings = new HashMap<>();
    String file = blankToNull(env.get("GENESIS_CONFIG"));
    if (file != null) {
      settings.putAll(readFile(Path.of(file)));
    }
    env.forEach((key, value) -> {
      if (key.startsWith(PREFIX) && value != null) {
        settings.put(key, value);
      }
    });
    return resolve(new Settings(settings));
  }

  private static GenesisConfig resolve(Settings s) {
    String pgUrl = s.url("GENESIS_PG_URL", "postgresql", "postgres");
    String redisUrl = s.url("GENESIS_REDIS_URL", "redis", "rediss");
    String dataDir = s.string("GENESIS_DATA_DIR", "./data");
    String logFormat = s.oneOf("GENESIS_LOG_FORMAT", "json", "json", "text");
    String jwtSecret = s.string("GENESIS_JWT_SECRET", null);
    if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("GENESIS_JWT_SECRET", "must be at least 32 bytes long");
    }
    String encryptionKey = s.string("GENESIS_ENCRYPTION_KEY", null);
    if (encryptionKey != null) {
      checkAesKey(encryptionKey);
    }
    return new GenesisConfig(
        s.string("GENESIS_HTTP_HOST", "127.0.0.1"),
        s.integer("GENESIS_HTTP_PORT", 8080, 0, 65535),
        dataDir,
        pgUrl,
        redisUrl,
        jwtSecret,
        s.url("GENESIS_JWKS_URL", "http", "https"),
        logFormat,
        // Unset stays null: the launcher turns dev tokens on only in the embedded default.
        s.string("GENESIS_DEV_TOKENS", null) == null ? null : s.bool("GENESIS_DEV_TOKENS", false),
        s.integer("GENESIS_RATE_LIMIT_PER_MINUTE", 100, 1, 10_000_000),
        s.integer("GENESIS_MAX_BODY_BYTES", 65536, 256, 64 * 1024 * 1024),
        s.url("GENESIS_MODEL_BASE_URL", "http", "https"),
        s.string("GENESIS_MODEL_API_KEY", null),
        s.string("GENESIS_MODEL_NAME", null),
        s.string("GENESIS_AGENTS_DIR", null),
        encryptionKey,
        s.string("GENESIS_CLUSTER_MEMBERS", null),
        s.string("GENESIS_CORS_ORIGINS", null),
        modelSettings(s),
        observability(s, s.integer("GENESIS_HTTP_PORT", 8080, 0, 65535)),
        privacy(s),
        s.millis("GENESIS_SHUTDOWN_GRACE", 20_000, 0, 600_000),
        http(s),
        cluster(s),
        new StartupSettings(s.millis("GENESIS_START_TIMEOUT", StartupSettings.DEFAULT_START_TIMEOUT_MILLIS, 1_000, 3_600_000)),
        tls(s),
        overload(s));
  }

  /**
   * The secrets of a process that needs {@code needed}. In the embedded default (no
   * {@code GENESIS_PG_URL}, no {@code GENESIS_REDIS_URL}, not {@code --cluster}) the process is the
   * whole deployment: secrets left unset are generated once into the data directory, as
   * {@link #withGeneratedSecrets} does. Otherwise other processes share the database, Redis or the
   * event bus, and a secret generated here would differ from theirs: a needed secret left unset
   * stops the start, naming its setting; the others stay unset.
   *
   * @throws ConfigException naming the first needed secret left unset in a shared deployment
   */
  public static GenesisConfig withSecrets(GenesisConfig config, Set<SharedSecret> needed, boolean clustered) {
    String sharedBy = sharedBy(config, clustered);
    if (sharedBy == null) {
      return withGeneratedSecrets(config);
    }
    for (SharedSecret secret : SharedSecret.values()) {
      if (needed.contains(secret) && secret.valueIn(config) == null) {
        throw new ConfigException(secret.setting(), "must be set when " + sharedBy + ": " + secret.why()
            + " (base64 of 32 random bytes: openssl rand -base64 32); only the embedded default generates it");
      }
    }
    return config;
  }

  /** What makes this process share its secrets with others, or null in the embedded default. */
  static String sharedBy(GenesisConfig config, boolean clustered) {
    if (config.pgUrl() != null) {
      return "GENESIS_PG_URL is set";
    }
    if (config.redisUrl() != null) {
      return "GENESIS_REDIS_URL is set";
    }
    return clustered ? "--cluster is given" : null;
  }

  /**
   * Fills in the secrets left unset with ones generated once and kept in the data directory
   * ({@code jwt-secret}, {@code encryption-key}, readable by the owner only): the embedded default's
   * way ({@link #withSecrets} decides when it applies).
   */
  public static GenesisConfig withGeneratedSecrets(GenesisConfig config) {
    Path dir = Path.of(config.dataDir());
    String jwt = config.jwtSecret() != null ? config.jwtSecret()
        : SecretFiles.readOrCreate(dir.resolve(SharedSecret.JWT_SECRET.fileName()));
    String key = config.encryptionKey() != null ? config.encryptionKey()
        : SecretFiles.readOrCreate(dir.resolve(SharedSecret.ENCRYPTION_KEY.fileName()));
    return new GenesisConfig(config.httpHost(), config.httpPort(), config.dataDir(), config.pgUrl(),
        config.redisUrl(), jwt, config.jwksUrl(), config.logFormat(), config.devTokens(),
        config.rateLimitPerMinute(), config.maxBodyBytes(), config.modelBaseUrl(), config.modelApiKey(),
        config.modelName(), config.agentsDir(), key, config.clusterMembers(), config.corsOrigins(), config.model(),
        config.observability(), config.privacy(), config.shutdownGraceMillis(), config.http(), config.cluster(), config.startup(),
        config.tls(), config.overload());
  }

  private static ClusterSettings cluster(Settings s) {
    ClusterSettings d = ClusterSettings.defaults();
    String members = s.string("GENESIS_CLUSTER_MEMBERS", null);
    if (members != null) {
      for (String member : members.split(",", -1)) {
        ClusterSettings.checkMember(member.trim(), members);
      }
    }
    String host = s.string("GENESIS_CLUSTER_HOST", d.host());
    if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+") || host.equals("0.0.0.0") || host.equals("::")) {
      throw new ConfigException("GENESIS_CLUSTER_HOST", "must be the IP address the other members reach this one at, got '" + host + "'");
    }
    return new ClusterSettings(
        host,
        s.string("GENESIS_CLUSTER_PORT", null) == null ? null : s.integer("GENESIS_CLUSTER_PORT", 0, 1, 65535),
        s.integer("GENESIS_CLUSTER_BUS_PORT", d.busPort(), 0, 65535),
        s.integer("GENESIS_CLUSTER_FAILURE_SECONDS", d.failureSeconds(), 2, 600));
  }

  private static TlsSettings tls(Settings s) {
    String cert = s.string("GENESIS_TLS_CERT_FILE", null);
    String key = s.string("GENESIS_TLS_KEY_FILE", null);
    requireTogether(s, "GENESIS_TLS_CERT_FILE", "GENESIS_TLS_KEY_FILE");
    requireTogether(s, "GENESIS_CLUSTER_TLS_CERT_FILE", "GENESIS_CLUSTER_TLS_KEY_FILE", "GENESIS_CLUSTER_TLS_CA_FILE");
    if (cert != null) {
      PemFiles.checkPairSettings("GENESIS_TLS_CERT_FILE", cert, "GENESIS_TLS_KEY_FILE", key);
    }
    String clusterCert = s.string("GENESIS_CLUSTER_TLS_CERT_FILE", null);
    String clusterKey = s.string("GENESIS_CLUSTER_TLS_KEY_FILE", null);
    String clusterCa = s.string("GENESIS_CLUSTER_TLS_CA_FILE", null);
    if (clusterCert != null) {
      PemFiles.checkPairSettings("GENESIS_CLUSTER_TLS_CERT_FILE", clusterCert, "GENESIS_CLUSTER_TLS_KEY_FILE", clusterKey);
      try {
        PemFiles.certificates(PemFiles.read("GENESIS_CLUSTER_TLS_CA_FILE", clusterCa));
      } catch (PemFiles.InvalidPem e) {
        throw new ConfigException("GENESIS_CLUSTER_TLS_CA_FILE", e.getMessage());
      }
    }
    return new TlsSettings(cert, key, clusterCert, clusterKey, clusterCa);
  }

  /** Settings that only mean something together: one set without another fails naming the missing one. */
  private static void requireTogether(Settings s, String... names) {
    String given = null;
    for (String name : names) {
      if (s.string(name, null) != null) {
        given = name;
      }
    }
    if (given != null) {
      for (String name : names) {
        if (s.string(name, null) == null) {
          throw new ConfigException(name, "must be set with " + given);
        }
      }
    }
  }

  private static HttpSettings http(Settings s) {
    HttpSettings d = HttpSettings.defaults();
    return new HttpSettings(
        s.integer("GENESIS_HTTP_HEADER_TIMEOUT_MS", d.headerTimeoutMillis(), 100, 600_000),
        s.integer("GENESIS_HTTP_IDLE_TIMEOUT_MS", d.idleTimeoutMillis(), 100, 3_600_000),
        s.integer("GENESIS_DETACHED_REPLY_SECONDS", d.detachedReplySeconds(), 0, 3_600),
        s.integer("GENESIS_REPLY_EVENTS_TTL_SECONDS", d.replyEventsTtlSeconds(), 10, 86_400));
  }

  private static OverloadSettings overload(Settings s) {
    OverloadSettings d = OverloadSettings.defaults();
    return new OverloadSettings(
        s.integer("GENESIS_MAX_REQUESTS_IN_FLIGHT", d.maxRequestsInFlight(), 1, 100_000),
        s.integer("GENESIS_MAX_STREAMS_IN_FLIGHT", d.maxStreamsInFlight(), 1, 1_000_000),
        s.integer("GENESIS_STORE_TIMEOUT_MS", d.storeTimeoutMillis(), 100, 60_000),
        s.integer("GENESIS_REDIS_TIMEOUT_MS", d.redisTimeoutMillis(), 50, 60_000));
  }

  private static PrivacySettings privacy(Settings s) {
    PrivacySettings d = PrivacySettings.defaults();
    String oldKeys = s.string("GENESIS_ENCRYPTION_OLD_KEYS", null);
    if (oldKeys != null) {
      for (String key : oldKeys.split(",")) {
        if (!key.isBlank()) {
          checkAesKey(key.trim(), "GENESIS_ENCRYPTION_OLD_KEYS");
        }
      }
    }
    return new PrivacySettings(
        oldKeys,
        s.string("GENESIS_RETENTION_DAYS", null) == null ? null : s.integer("GENESIS_RETENTION_DAYS", 0, 1, 36_500),
        s.integer("GENESIS_RETENTION_INTERVAL_SECONDS", d.retentionIntervalSeconds(), 1, 86_400),
        s.integer("GENESIS_RETENTION_BATCH", d.retentionBatch(), 1, 100_000));
  }

  private static ObservabilitySettings observability(Settings s, int httpPort) {
    Integer metricsPort = s.string("GENESIS_METRICS_PORT", null) == null ? null : s.integer("GENESIS_METRICS_PORT", 0, 0, 65535);
    if (metricsPort != null && metricsPort != 0 && metricsPort == httpPort) {
      // Vert.x would share the port between both servers and hand requests to each in turn.
      throw new ConfigException("GENESIS_METRICS_PORT", "must differ from GENESIS_HTTP_PORT (" + httpPort + ")");
    }
    return new ObservabilitySettings(
        s.bool("GENESIS_METRICS", true),
        metricsPort,
        s.string("GENESIS_METRICS_HOST", "127.0.0.1"),
        s.oneOf("GENESIS_LOG_LEVEL", "info", LOG_LEVELS.toArray(String[]::new)),
        normalizedLogLevels(s.string("GENESIS_LOG_LEVELS", null)));
  }

  /**
   * {@code GENESIS_LOG_LEVELS} as logger name to level, in the order given: comma-separated
   * {@code logger=level} entries, the logger a dotted Java name ({@code io.genesis.session},
   * {@code genesis.access}), the level one of trace, debug, info, warn, error, off (any case; answered
   * in lower case). Null or blank is no entries.
   *
   * @throws ConfigException naming {@code GENESIS_LOG_LEVELS} and the first bad entry
   */
  public static Map<String, String> logLevels(String value) {
    Map<String, String> levels = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return levels;
    }
    for (String raw : value.split(",", -1)) {
      String entry = raw.trim();
      int eq = entry.indexOf('=');
      if (eq < 0) {
        throw new ConfigException("GENESIS_LOG_LEVELS", entry.isEmpty()
            ? "has an empty entry in '" + value.trim() + "' (entries are logger=level, separated by commas)"
            : "entry '" + entry + "' must be logger=level, e.g. io.genesis.session=debug");
      }
      String logger = entry.substring(0, eq).trim();
      String level = entry.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      if (!LOGGER_NAME.matcher(logger).matches()) {
        throw new ConfigException("GENESIS_LOG_LEVELS",
            "entry '" + entry + "': the logger must be a dotted Java name, e.g. io.genesis.session");
      }
      if (!LOG_LEVELS.contains(level)) {
        throw new ConfigException("GENESIS_LOG_LEVELS",
            "entry '" + entry + "': the level must be one of " + String.join(", ", LOG_LEVELS));
      }
      if (levels.putIfAbsent(logger, level) != null) {
        throw new ConfigException("GENESIS_LOG_LEVELS", "entry '" + entry + "' names " + logger + " a second time");
      }
    }
    return levels;
  }

  private static String normalizedLogLevels(String value) {
    Map<String, String> levels = logLevels(value);
    if (levels.isEmpty()) {
      return null;
    }
    StringJoiner joined = new StringJoiner(",");
    levels.forEach((logger, level) -> joined.add(logger + "=" + level));
    return joined.toString();
  }

  private static ModelSettings modelSettings(Settings s) {
    ModelSettings d = ModelSettings.defaults();
    int hour = 3_600_000;
    return new ModelSettings(
        s.integer("GENESIS_MODEL_CONNECT_TIMEOUT_MS", d.connectTimeoutMillis(), 1, hour),
        s.integer("GENESIS_MODEL_FIRST_TOKEN_TIMEOUT_MS", d.firstTokenTimeoutMillis(), 1, hour),
        s.integer("GENESIS_MODEL_IDLE_TIMEOUT_MS", d.idleTimeoutMillis(), 1, hour),
        s.integer("GENESIS_MODEL_TOTAL_TIMEOUT_MS", d.totalTimeoutMillis(), 1, hour),
        s.integer("GENESIS_MODEL_MAX_CONCURRENT", d.maxConcurrent(), 1, 100_000),
        s.integer("GENESIS_MODEL_MAX_RETRIES", d.maxRetries(), 0, 10),
        s.integer("GENESIS_MODEL_BREAKER_FAILURES", d.breakerFailures(), 1, 10_000),
        s.integer("GENESIS_MODEL_BREAKER_RESET_MS", d.breakerResetMillis(), 1, hour),
        "offline".equals(s.oneOf("GENESIS_MODEL_FALLBACK", "none", "none", "offline")),
        s.integer("GENESIS_MODEL_CONTEXT_TOKENS", d.contextTokens(), 100, 10_000_000),
        s.integer("GENESIS_OFFLINE_TOKEN_DELAY_MS", d.offlineTokenDelayMillis(), 0, 60_000),
        s.integer("GENESIS_MODEL_MAX_TOKENS", d.maxTokens(), 1, 1_000_000),
        s.integer("GENESIS_MODEL_MAX_REPLY_CHARS", d.maxReplyChars(), 1, 10_000_000),
        s.integer("GENESIS_MODEL_TOOL_ROUNDS", d.toolRounds(), 0, 10));
  }

  private static void checkAesKey(String value) {
    checkAesKey(value, "GENESIS_ENCRYPTION_KEY");
  }

  private static void checkAesKey(String value, String setting) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "must be base64");
    }
    if (key.length != 32) {
      throw new ConfigException(setting, "must be base64 of 32 bytes, got " + key.length);
    }
  }

  private static Map<String, String> readFile(Path path) {
    Map<?, ?> raw;
    try {
      String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
      ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml")
          ? new ObjectMapper(new YAMLFactory()) : Json.MAPPER;
      raw = mapper.readValue(Files.readAllBytes(path), Map.class);
    } catch (IOException e) {
      throw new ConfigException("GENESIS_CONFIG", "cannot read " + path + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    Map<String, String> settings = new HashMap<>();
    if (raw != null) {
      raw.forEach((key, value) -> {
        if (value != null) {
          settings.put(canonicalName(String.valueOf(key)), String.valueOf(value));
        }
      });
    }
    return settings;
  }

  /** {@code httpPort}, {@code http-port}, {@code HTTP_PORT} and {@code GENESIS_HTTP_PORT} are the same setting. */
  static String canonicalName(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').replace('.', '_')
        .toUpperCase(Locale.ROOT);
    return snake.startsWith(PREFIX) ? snake : PREFIX + snake;
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Typed, validated access to raw settings. */
  private record Settings(Map<String, String> raw) {
    String string(String name, String fallback) {
      String value = blankToNull(raw.get(name));
      return value == null ? fallback : value;
    }

    int integer(String name, int fallback, int min, int max) {
      String value = string(name, null);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
          throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return parsed;
      } catch (NumberFormatException e) {
        throw new ConfigException(name, "must be a whole number, got '" + value + "'");
      }
    }

    /** A duration: {@code 20s}, {@code 500ms}, {@code 2m}, or a whole number of seconds; answered in milliseconds. */
    long millis(String name, long fallback, long min, long max) {
      String value = string(name, null);
      if (value == null) {
        return fallback;
      }
      Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new ConfigException(name, "must be a duration such as 20s, 500ms or 1m, got '" + value + "'");
      }
      long unit = switch (m.group(2)) {
        case "ms" -> 1;
        case "m" -> 60_000;
        default -> 1_000;
      };
      long parsed;
      try {
        parsed = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
      } catch (ArithmeticException | NumberFormatException e) {
        parsed = Long.MAX_VALUE;
      }
      if (parsed < min || parsed > max) {
        throw new ConfigException(name, "must be between " + min + "ms and " + max / 1000 + "s, got '" + value + "'");
      }
      return parsed;
    }

    boolean bool(String name, boolean fallback) {
      String value = string(name, null);
      if (value == null) {
        return fallback;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new ConfigException(name, "must be true or false, got '" + value + "'");
      };
    }

    String oneOf(String name, String fallback, String... allowed) {
      String value = string(name, fallback).toLowerCase(Locale.ROOT);
      for (String candidate : allowed) {
        if (candidate.equals(value)) {
          return value;
        }
      }
      throw new ConfigException(name, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    String url(String name, String... schemes) {
      String value = string(name, null);
      if (value == null) {
        return null;
      }
      URI uri;
      try {
        uri = URI.create(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, "is not a valid URL");
      }
      for (String scheme : schemes) {
        if (scheme.equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
          return value;
        }
      }
      throw new ConfigException(name, "must be a " + String.join(" or ", schemes) + "://host… URL");
    }
  }
}
