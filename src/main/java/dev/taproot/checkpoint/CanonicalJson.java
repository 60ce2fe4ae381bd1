package dev.taproot.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one byte form of a JSON value that payload digests are taken over: compact, object keys
 * sorted, numbers as Jackson reads them. Two equal values always give the same bytes, so a replay
 * can be compared with its recording byte for byte.
 */
public final class CanonicalJson {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private CanonicalJson() {}

  public static byte[] bytes(JsonNode value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("stored payload is not JSON", e);
    }
  }

  public static String text(JsonNode value) {
    return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
  }
}
