package dev.taproot.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How values read on a page: JSON pretty-printed and cut, instants in UTC, short durations. */
final class Text {
  /** Longest JSON shown inline; the rest is behind the API link. */
  static final int MAX_JSON_CHARS = 20_000;

  /** Keys sorted, so that two values line up in a side-by-side diff whatever order they came in. */
  private static final ObjectMapper PRETTY =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
          .build();

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Text() {}

  /** Pretty JSON, or null for no value; cut at {@link #MAX_JSON_CHARS} with a note. */
  static String json(JsonNode value) {
    if (value == null) {
      return null;
    }
    String text = prettyAll(value);
    if (text.length() <= MAX_JSON_CHARS) {
      return text;
    }
    return text.substring(0, MAX_JSON_CHARS)
        + "\n… cut at "
        + MAX_JSON_CHARS
        + " of "
        + text.length()
        + " characters: the whole value is in the JSON API";
  }

  /** Pretty JSON, whole. */
  static String prettyAll(JsonNode value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return value.toString();
    }
  }

  /** One line of JSON, cut at {@code max} characters. */
  static String compact(JsonNode value, int max) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  static String when(Instant at) {
    return at == null ? "" : WHEN.format(at);
  }

  static String duration(Instant from, Instant to) {
    if (from == null) {
      return "";
    }
    return duration(Duration.between(from, to == null ? Instant.now() : to));
  }

  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 3600) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + (s % 3600) / 60 + " min";
  }

  static String micros(long micros) {
    if (micros < 1000) {
      return micros + " µs";
    }
    return duration(Duration.ofNanos(micros * 1000));
  }

  static String shortDigest(String digest) {
    if (digest == null) {
      return "";
    }
    String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
    return hex.length() > 12 ? "sha256:" + hex.substring(0, 12) + "…" : digest;
  }
}
