package io.genesis.agent.coach.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.agent.coach.calc.CalculatorTools.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The coach's calculators as OpenAI tools")
class CalculatorToolsTest {

  @Test
  @DisplayName("an agent's calculators become function tools named after them, with a JSON-schema of their arguments")
  void definitions() {
    JsonArray tools = CalculatorTools.definitions(List.of("heart-rate-zones", "pace", "no-such-calculator"));
    assertEquals(2, tools.size());
    JsonObject zones = tools.getJsonObject(0);
    assertEquals("function", zones.getString("type"));
    JsonObject function = zones.getJsonObject("function");
    assertEquals("heart-rate-zones", function.getString("name"));
    JsonObject parameters = function.getJsonObject("parameters");
    assertEquals("object", parameters.getString("type"));
    assertEquals(new JsonArray().add("age"), parameters.getJsonArray("required"));
    assertEquals("integer", parameters.getJsonObject("properties").getJsonObject("age").getString("type"));
    for (String name : Calculators.NAMES) {
      JsonObject tool = CalculatorTools.definitions(List.of(name)).getJsonObject(0).getJsonObject("function");
      assertEquals(name, tool.getString("name"));
      assertTrue(tool.getString("name").matches("[a-zA-Z0-9_-]{1,64}"), "OpenAI's rule for function names");
      assertTrue(!tool.getString("description").isBlank() && tool.getJsonObject("parameters") != null, name);
    }
  }

  @Test
  @DisplayName("nutrition: a 30-year-old man, 80 kg, 180 cm, moderately active, losing fat: BMR 1,780, TDEE 2,759, 2,207 kcal")
  void nutrition() {
    Outcome outcome = CalculatorTools.run("nutrition",
        "{\"sex\":\"male\",\"weightKg\":80,\"heightCm\":180,\"age\":30,\"activity\":\"moderate\",\"goal\":\"lose\"}");
    assertNull(outcome.error());
    JsonObject result = outcome.result();
    assertEquals(1780, result.getLong("bmrKcal"));
    assertEquals(2759, result.getLong("tdeeKcal"));
    assertEquals(2207, result.getLong("kcal"));
    assertEquals(176, result.getLong("proteinG"));
    assertEquals(outcome.result().encode(), outcome.content());
  }

  @Test
  @DisplayName("one-rep max, heart-rate zones and pace give the offline coach's figures")
  void typed() {
    JsonObject max = CalculatorTools.run("one-rep-max", "{\"weight\":100,\"reps\":5}").result();
    assertEquals(116.7, max.getDouble("oneRepMax"));
    assertEquals(105.0, max.getJsonObject("workingWeights").getDouble("90%"));
    JsonObject zones = CalculatorTools.run("heart-rate-zones", "{\"age\":30}").result();
    assertEquals(187, zones.getLong("maxHeartRate"));
    assertEquals(94, zones.getJsonArray("zones").getJsonObject(0).getLong("fromBpm"));
    JsonObject pace = CalculatorTools.run("pace", "{\"distanceKm\":10,\"durationSeconds\":3000}").result();
    assertEquals("5:00", pace.getString("pacePerKm"));
    assertEquals(12.0, pace.getDouble("speedKmh"));
  }

  @Test
  @DisplayName("the worded calculators take the figures as text, and say what is missing")
  void worded() {
    Outcome sleep = CalculatorTools.run("sleep-cycles", "{\"request\":\"wake at 6:30\"}");
    assertTrue(sleep.result().getString("text").contains("cycles"), sleep.content());
    Outcome missing = CalculatorTools.run("sleep-cycles", "{\"request\":\"when should i go to bed\"}");
    assertTrue(missing.error().startsWith("To work out your sleep cycles I need"), missing.error());
  }

  @Test
  @DisplayName("bad arguments are an error for the model, never an exception")
  void refusals() {
    assertEquals("the arguments are not a JSON object", CalculatorTools.run("heart-rate-zones", "{\"age\":").error());
    assertEquals("the arguments are not a JSON object", CalculatorTools.run("heart-rate-zones", "[30]").error());
    assertEquals("'age' is required", CalculatorTools.run("heart-rate-zones", "").error());
    assertEquals("'age' must be a number", CalculatorTools.run("heart-rate-zones", "{\"age\":\"thirty\"}").error());
    assertEquals("'age' must be a whole number", CalculatorTools.run("heart-rate-zones", "{\"age\":30.5}").error());
    assertEquals("'age' must be between 10 and 100", CalculatorTools.run("heart-rate-zones", "{\"age\":300}").error());
    assertEquals("unknown argument 'weight'; this calculator takes age",
        CalculatorTools.run("heart-rate-zones", "{\"age\":30,\"weight\":80}").error());
    assertEquals("'sex' must be one of male, female", CalculatorTools.run("nutrition",
        "{\"sex\":\"x\",\"weightKg\":80,\"heightCm\":180,\"age\":30}").error());
    assertEquals("no calculator named 'teleport'", CalculatorTools.run("teleport", "{}").error());
    assertEquals("{\"error\":\"no calculator named 'teleport'\"}", CalculatorTools.run("teleport", "{}").content());
  }
}
