package io.genesis.common.config;

import io.genesis.common.json.Json;
import io.genesis.common.log.Redaction;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The resolved settings of a GENESIS process (the README's Configuration table). Built by
 * {@link ConfigLoader}; handed to each verticle as its deployment config ({@link #toJson()}).
 *
 * <p>{@code shutdownGraceMillis} ({@code GENESIS_SHUTDOWN_GRACE}): on SIGTERM, how long live streams may
 * run on before each is stored as partial and ended with an error; see {@link ShutdownDeadline}.
 */
public record GenesisConfig(
    String httpHost,
    int httpPort,
    String dataDir,
    String pgUrl,
    String redisUrl,
    String jwtSecret,
    String jwksUrl,
    String logFormat,
    Boolean devTokens,
    int rateLimitPerMinute,
    int maxBodyBytes,
    String modelBaseUrl,
    String modelApiKey,
    String modelName,
    String agentsDir,
    String encryptionKey,
    String clusterMembers,
    String corsOrigins,
    ModelSettings model,
    ObservabilitySettings observability,
    PrivacySettings privacy,
    long shutdownGraceMillis,
    HttpSettings http,
    ClusterSettings cluster,
    StartupSettings startup,
    TlsSettings tls,
    OverloadSettings overload) {

  public GenesisConfig {
    model = model == null ? ModelSettings.defaults() : model;
    observability = observability == null ? ObservabilitySettings.defaults() : observability;
    privacy = privacy == null ? PrivacySettings.defaults() : privacy;
    http = http == null ? HttpSettings.defaults() : http;
    cluster = cluster == null ? ClusterSettings.defaults() : cluster;
    startup = startup == null ? StartupSettings.defaults() : startup;
    tls = tls == null ? TlsSettings.defaults() : tls;
    overload = overload == null ? OverloadSettings.defaults() : overload;
  }

  public JsonObject toJson() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = Json.MAPPER.convertValue(this, Map.class);
    return new JsonObject(map);
  }

  /** Through JSON text: a deployment config's nested objects are Vert.x JsonObjects, which Jackson cannot convert directly. */
  public static GenesisConfig fromJson(JsonObject json) {
    return Json.fromString(json.encode(), GenesisConfig.class);
  }

  public GenesisConfig withDatabases(String pgUrl, String redisUrl) {
    return new GenesisConfig(httpHost, httpPort, dataDir, pgUrl, redisUrl, jwtSecret, jwksUrl, logFormat,
        devTokens, rateLimitPerMinute, maxBodyBytes, modelBaseUrl, modelApiKey, modelName, agentsDir,
        encryptionKey, clusterMembers, corsOrigins, model, observability, privacy, shutdownGraceMillis, http, cluster, startup, tls, overload);
  }

  /** Whether {@code POST /api/v1/auth/dev-token} exists; unset (null) counts as off. */
  public boolean devTokensEnabled() {
    return Boolean.TRUE.equals(devTokens);
  }

  public GenesisConfig withDevTokens(boolean enabled) {
    return new GenesisConfig(httpHost, httpPort, dataDir, pgUrl, redisUrl, jwtSecret, jwksUrl, logFormat,
        enabled, rateLimitPerMinute, maxBodyBytes, modelBaseUrl, modelApiKey, modelName, agentsDir,
        encryptionKey, clusterMembers, corsOrigins, model, observability, privacy, shutdownGraceMillis, http, cluster, startup, tls, overload);
  }

  public GenesisConfig withHttpPort(int port) {
    return new GenesisConfig(httpHost, port, dataDir, pgUrl, redisUrl, jwtSecret, jwksUrl, logFormat,
        devTokens, rateLimitPerMinute, maxBodyBytes, modelBaseUrl, modelApiKey, modelName, agentsDir,
        encryptionKey, clusterMembers, corsOrigins, model, observability, privacy, shutdownGraceMillis, http, cluster, startup, tls, overload);
  }

  /** Never prints secrets: configuration is logged at start. */
  @Override
  public String toString() {
    return "GenesisConfig[http=" + httpHost + ":" + httpPort + ", dataDir=" + dataDir
        + ", pg=" + embeddedOr(pgUrl) + ", redis=" + embeddedOr(redisUrl) + ", jwks=" + Redaction.url(jwksUrl)
        + ", devTokens=" + devTokens + ", rateLimitPerMinute=" + rateLimitPerMinute
        + ", maxBodyBytes=" + maxBodyBytes + ", model=" + (modelBaseUrl == null ? "offline coach" : Redaction.url(modelBaseUrl))
        + ", agentsDir=" + agentsDir + ", clusterMembers=" + clusterMembers + ", corsOrigins=" + corsOrigins
        + ", https=" + tls.httpsEnabled() + ", clusterTls=" + tls.clusterTlsEnabled() + "]";
  }

  private static String embeddedOr(String url) {
    return url == null ? "embedded" : Redaction.url(url);
  }
}
