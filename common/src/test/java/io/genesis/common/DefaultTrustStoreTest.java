package io.genesis.common;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.DefaultTrustStore;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The JDK's default trust store is loaded at start only when something will open a TLS connection")
class DefaultTrustStoreTest {
  @Test
  @DisplayName("not needed by default or with http:// peers; needed for an https:// model server or JWKS URL")
  void neededForHttpsPeers() {
    assertFalse(DefaultTrustStore.needed(ConfigLoader.load(Map.of())));
    assertFalse(DefaultTrustStore.needed(ConfigLoader.load(Map.of("GENESIS_MODEL_BASE_URL", "http://127.0.0.1:9/v1"))));
    assertTrue(DefaultTrustStore.needed(ConfigLoader.load(Map.of("GENESIS_MODEL_BASE_URL", "https://models.example/v1"))));
    assertTrue(DefaultTrustStore.needed(ConfigLoader.load(Map.of("GENESIS_JWKS_URL", "https://login.example/jwks"))));
  }

  @Test
  @DisplayName("it loads")
  void loads() {
    assertDoesNotThrow(DefaultTrustStore::load);
  }
}
