package dev.taproot.engine;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Parses run inputs: one JSON document, or x-ndjson that becomes {@code {"records": [...]}}. */
final class RunInputs {
  private RunInputs() {}

  static JsonNode json(byte[] body) {
    if (body.length == 0) {
      throw new MalformedInputException(
          null, "the run input is empty: send a JSON document (use {} for none)");
    }
    try (var parser = CanonicalJson.MAPPER.createParser(body)) {
      JsonNode value = CanonicalJson.MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentLocation();
        throw new MalformedInputException(
            at.getLineNr(),
            "the run input has more than one JSON value (second one at line "
                + at.getLineNr()
                + ", column "
                + at.getColumnNr()
                + "); send x-ndjson for records, one per line");
      }
      return value;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new MalformedInputException(
          at == null ? null : at.getLineNr(),
          "the run input is not JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedInputException(null, "could not read the run input: " + e.getMessage());
    }
  }

  /** Each non-blank line is one record; its item key is its line number − 1. */
  static ObjectNode ndjson(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    ArrayNode records = JsonNodeFactory.instance.arrayNode();
    String[] lines = text.split("\r?\n", -1);
    int last = lines.length;
    while (last > 0 && lines[last - 1].isBlank()) {
      last--;
    }
    for (int i = 0; i < last; i++) {
      int lineNumber = i + 1;
      if (lines[i].isBlank()) {
        throw new MalformedInputException(
            lineNumber,
            "x-ndjson line "
                + lineNumber
                + " is blank: every line up to the last must hold one JSON value");
      }
      try {
        records.add(CanonicalJson.MAPPER.readTree(lines[i]));
      } catch (JsonProcessingException e) {
        throw new MalformedInputException(
            lineNumber,
            "x-ndjson line "
                + lineNumber
                + " is not JSON (column "
                + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
                + "): "
                + e.getOriginalMessage());
      }
    }
    if (records.isEmpty()) {
      throw new MalformedInputException(null, "the x-ndjson input has no records");
    }
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.set("records", records);
    return input;
  }
}
