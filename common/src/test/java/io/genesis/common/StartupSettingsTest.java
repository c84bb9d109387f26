package io.genesis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigException;
import io.genesis.common.config.ConfigLoader;
import io.genesis.common.config.GenesisConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GENESIS_START_TIMEOUT: the start-up steps' budget")
class StartupSettingsTest {
  @Test
  @DisplayName("60 s unless set; a duration from 1 s to 1 h; a bad value names the setting; kept through the deployment config")
  void startTimeout() {
    assertEquals(60_000, ConfigLoader.load(Map.of()).startup().startTimeoutMillis());
    assertEquals(5_000, ConfigLoader.load(Map.of("GENESIS_START_TIMEOUT", "5s")).startup().startTimeoutMillis());
    assertEquals(120_000, ConfigLoader.load(Map.of("GENESIS_START_TIMEOUT", "2m")).startup().startTimeoutMillis());
    for (String bad : new String[] {"soon", "500ms", "2h"}) {
      String message = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("GENESIS_START_TIMEOUT", bad))).getMessage();
      assertTrue(message.startsWith("GENESIS_START_TIMEOUT: "), message);
    }
    GenesisConfig config = ConfigLoader.load(Map.of("GENESIS_START_TIMEOUT", "7s"));
    assertEquals(config, GenesisConfig.fromJson(config.toJson()));
  }
}
