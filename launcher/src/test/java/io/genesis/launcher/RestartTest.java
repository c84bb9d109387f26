package io.genesis.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.genesis.common.config.GenesisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A restart on the same data directory keeps every session and message")
class RestartTest {
  @TempDir
  Path dataDir;

  private Vertx clientVertx;

  @BeforeEach
  void client() {
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void closeClient() {
    Await.result(clientVertx.close(), Duration.ofSeconds(10));
  }

  /** The launcher's own embedded servers (unless the suite is pointed at external ones). */
  private GenesisConfig config() {
    return TestApp.config(dataDir, System.getenv("GENESIS_PG_URL"), System.getenv("GENESIS_REDIS_URL"));
  }

  @Test
  @DisplayName("write through one run, stop, start again, read it back")
  void survivesRestart() {
    String sessionId;
    String token;
    JsonObject exchange;
    try (Genesis first = Genesis.start(config(), Set.of(Service.values()), false)) {
      Http http = new Http(clientVertx, first.httpPort());
      token = http.token("restart-user");
      sessionId = http.post("/api/v1/sessions", token, new JsonObject().put("title", "before restart"))
          .bodyAsJsonObject().getString("id");
      exchange = http.post("/api/v1/sessions/" + sessionId + "/messages", token,
          new JsonObject().put("content", "Plan my week of runs")).bodyAsJsonObject();
    }
    try (Genesis second = Genesis.start(config(), Set.of(Service.values()), false)) {
      Http http = new Http(clientVertx, second.httpPort());
      JsonObject session = http.get("/api/v1/sessions/" + sessionId, token).bodyAsJsonObject();
      assertEquals("before restart", session.getString("title"));
      JsonArray items = http.get("/api/v1/sessions/" + sessionId + "/messages", token).bodyAsJsonObject().getJsonArray("items");
      assertEquals(2, items.size());
      assertEquals(exchange.getJsonObject("reply"), items.getJsonObject(0));
      assertEquals(exchange.getJsonObject("message"), items.getJsonObject(1));
    }
  }
}
