package dev.taproot.function.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a guest's stdout as its output: exactly one JSON value, whitespace around it allowed. */
final class JsonOutput {

  /** The parsed value, or why stdout is not one JSON value. */
  sealed interface Parsed {}

  record Value(JsonNode node) implements Parsed {}

  record Invalid(String reason) implements Parsed {}

  /** How much of a bad stdout a failure message quotes. */
  static final int QUOTED_BYTES = 200;

  private final ObjectMapper mapper;

  JsonOutput() {
    // Duplicate keys are refused: keeping one of them silently would lose data without a trace.
    this.mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** Where an output comes from, as messages name it. */
  enum Source {
    STDOUT("stdout", "print the output as UTF-8 JSON", "a function must print its output"),
    PLUGIN(
        "the plug-in's output (the bytes given to output_set)",
        "give output_set UTF-8 JSON",
        "a plug-in must give output_set its output");

    final String name;
    final String encodingHint;
    final String emptyHint;

    Source(String name, String encodingHint, String emptyHint) {
      this.name = name;
      this.encodingHint = encodingHint;
      this.emptyHint = emptyHint;
    }
  }

  Parsed parse(byte[] stdout) {
    return parse(stdout, Source.STDOUT);
  }

  Parsed parse(byte[] stdout, Source source) {
    String what = source.name;
    int invalid = firstInvalidUtf8(stdout);
    if (invalid >= 0) {
      return new Invalid(
          what
              + " is not UTF-8 (invalid byte sequence at byte "
              + invalid
              + "); "
              + source.encodingHint
              + ". "
              + quote(stdout, what));
    }
    // Parsed as text: from bytes, Jackson would guess the encoding and take UTF-16 too.
    try (JsonParser parser = mapper.createParser(new String(stdout, StandardCharsets.UTF_8))) {
      if (parser.nextToken() == null) {
        return new Invalid(
            what
                + " is empty: "
                + source.emptyHint
                + " as one JSON value before "
                + (source == Source.STDOUT ? "exiting with code 0" : "returning 0"));
      }
      JsonNode node = mapper.readTree(parser);
      JsonToken extra = parser.nextToken();
      if (extra != null) {
        return new Invalid(
            what
                + " holds more than one JSON value (more follows at character "
                + parser.currentTokenLocation().getCharOffset()
                + "); give exactly one value, e.g. wrap several in an array. "
                + quote(stdout, what));
      }
      return new Value(node);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      return new Invalid(
          what
              + " is not valid JSON ("
              + e.getOriginalMessage()
              + where
              + "). "
              + quote(stdout, what));
    } catch (IOException e) {
      // No real I/O happens on a byte array: this is the parser refusing the content.
      return new Invalid(
          what + " is not valid JSON (" + e.getMessage() + "). " + quote(stdout, what));
    }
  }

  /**
   * Whether every byte is below 0x80, so the bytes are valid UTF-8 as they stand: true of nearly
   * every output (JSON escapes what it needs to), and a scan is far cheaper than a decoder.
   */
  private static boolean ascii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** The offset of the first byte that is not valid UTF-8, or -1. */
  private static int firstInvalidUtf8(byte[] bytes) {
    if (ascii(bytes)) {
      return -1;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isUnderflow()) {
        return -1;
      }
      out.clear();
    }
  }

  /** The start of stdout as a JSON string literal, so control characters stay visible. */
  String quote(byte[] stdout) {
    return quote(stdout, "stdout");
  }

  private String quote(byte[] stdout, String what) {
    int shown = Math.min(stdout.length, QUOTED_BYTES);
    String text = new String(stdout, 0, shown, StandardCharsets.UTF_8);
    String quoted;
    try {
      quoted = mapper.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      quoted = "\"" + text + "\"";
    }
    String subject = what.startsWith("stdout") ? "stdout" : "the output";
    return (stdout.length > shown ? subject + " starts with " : subject + " is ")
        + quoted
        + (stdout.length > shown ? " (" + stdout.length + " bytes in all)" : "");
  }
}
