package dev.taproot.engine;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CanonicalJson;
import java.io.IOException;

/** Parses a JSON run input (x-ndjson is read as a stream by {@link NdjsonReader}). */
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
}
