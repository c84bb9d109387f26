package io.genesis.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.genesis.common.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Redaction: one helper masks credentials, keys and tokens in URLs and text bound for logs")
class RedactionTest {

  @Test
  @DisplayName("a URL's user-info is masked, the rest kept; a URL without credentials is unchanged")
  void urls() {
    assertEquals("http://***@127.0.0.1:19091/v1", Redaction.url("http://probeuser:S3cretPW@127.0.0.1:19091/v1"));
    assertEquals("postgresql://***@db:5432/genesis", Redaction.url("postgresql://genesis:pw@db:5432/genesis"));
    assertEquals("redis://***@cache:6379", Redaction.url("redis://:only-password@cache:6379"));
    assertEquals("https://api.example.com/v1", Redaction.url("https://api.example.com/v1"));
    assertEquals("https://api.example.com/v1?api_key=***&x=1", Redaction.url("https://api.example.com/v1?api_key=abc123&x=1"));
    assertNull(Redaction.url(null));
  }

  @Test
  @DisplayName("keys, bearer and basic credentials, named secrets and JWTs are masked wherever they appear in text")
  void text() {
    String masked = Redaction.text("failed: Authorization: Bearer abc.def-ghi; {\"api_key\": \"k-123\", \"token\":\"t-9\"}"
        + " password=hunter2 Basic dXNlcjpwYXNz key sk-proj-AbCdEf0123456789 jwt eyJhbGciOi.eyJzdWIiOi.c2ln"
        + " see http://u:p@10.0.0.1:8000/v1");
    for (String secret : new String[] {"abc.def-ghi", "k-123", "t-9", "hunter2", "dXNlcjpwYXNz", "AbCdEf0123456789",
        "eyJhbGciOi", "u:p@"}) {
      assertFalse(masked.contains(secret), () -> secret + " survived: " + masked);
    }
    assertTrue(masked.contains("http://***@10.0.0.1:8000/v1"), masked);
    assertTrue(masked.contains("\"api_key\": \"***\""), masked);
    assertEquals("no tokens within 8000 ms after 12 tokens, max_tokens=512, completion_tokens: 3",
        Redaction.text("no tokens within 8000 ms after 12 tokens, max_tokens=512, completion_tokens: 3"));
  }

  @Test
  @DisplayName("an excerpt is one line of at most 200 characters, masked before it is cut (a key on the edge is not half kept)")
  void excerpt() {
    String body = "x".repeat(190) + " sk-abcdefghijklmnopqrstuvwxyz\n\n" + "y".repeat(500);
    String excerpt = Redaction.excerpt(body);
    assertTrue(excerpt.length() <= Redaction.MAX_LOGGED_CHARS + 1, excerpt);
    assertFalse(excerpt.contains("sk-abc"), excerpt);
    assertFalse(excerpt.contains("\n"));
    assertEquals("", Redaction.excerpt(null));
  }

  @Test
  @DisplayName("the start-up config line masks every URL's credentials: PostgreSQL, Redis and the model server")
  void configLine() {
    String line = ConfigLoader.load(Map.of(
        "GENESIS_PG_URL", "postgresql://genesis:PgSecret1@db:5432/genesis",
        "GENESIS_REDIS_URL", "redis://:RedisSecret2@cache:6379",
        "GENESIS_JWT_SECRET", "0123456789abcdef0123456789abcdef-jwt",
        "GENESIS_MODEL_BASE_URL", "http://probeuser:S3cretPW@127.0.0.1:19091/v1",
        "GENESIS_MODEL_API_KEY", "sk-live-0123456789abcdef")).toString();
    for (String secret : new String[] {"PgSecret1", "RedisSecret2", "S3cretPW", "probeuser", "sk-live", "-jwt"}) {
      assertFalse(line.contains(secret), () -> secret + " in " + line);
    }
    assertTrue(line.contains("model=http://***@127.0.0.1:19091/v1"), line);
  }
}
