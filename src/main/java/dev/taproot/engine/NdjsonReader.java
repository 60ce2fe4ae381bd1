package dev.taproot.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an x-ndjson body as it arrives, a chunk of records at a time: only the current line and one
 * chunk are ever in memory. Each non-blank line is one record, its item key the line number − 1.
 * Bytes are checked, not repaired: a line that is not UTF-8, a byte-order mark, a blank line before
 * the last record or a line that is not one JSON value is a {@link MalformedInputException} naming
 * the line.
 */
final class NdjsonReader implements RecordSource {
  /** Records handed over at once: enough for efficient batches, little enough to stay small. */
  static final int CHUNK_RECORDS = 1000;

  /** Bytes handed over at once, whichever of the two limits comes first. */
  static final int CHUNK_BYTES = 4 * 1024 * 1024;

  private static final int READ_BUFFER = 64 * 1024;

  private final InputStream body;
  private final byte[] buffer = new byte[READ_BUFFER];
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final RecordCheck check;
  private int filled;
  private int position;
  private boolean eof;
  private byte[] line = new byte[1024];
  private int lineLength;
  private long lineNumber;
  private long records;

  /** The first blank line seen since the last record: an error if another record follows. */
  private long blankSince;

  /**
   * @param check called with every record (a schema check); throws to refuse it
   */
  NdjsonReader(InputStream body, RecordCheck check) {
    this.body = body;
    this.check = check;
  }

  /** Records read so far. */
  long records() {
    return records;
  }

  @Override
  public List<Payload> next() {
    List<Payload> chunk = new ArrayList<>();
    long bytes = 0;
    while (chunk.size() < CHUNK_RECORDS && bytes < CHUNK_BYTES && readLine()) {
      JsonNode record = record();
      if (record == null) {
        continue;
      }
      Payload p = Payload.of(record);
      // The value is parsed again when read back; holding it here would double the chunk.
      chunk.add(new Payload(p.digest(), p.bytes(), null));
      bytes += p.bytes().length;
    }
    if (chunk.isEmpty() && records == 0) {
      throw new MalformedInputException(
          null, "the x-ndjson input has no records: send one JSON value per line");
    }
    return chunk;
  }

  /** The record on the current line, or null for a blank line. */
  private JsonNode record() {
    if (isBlank()) {
      if (blankSince == 0) {
        blankSince = lineNumber;
      }
      return null;
    }
    if (blankSince != 0) {
      throw new MalformedInputException(
          (int) blankSince,
          "x-ndjson line "
              + blankSince
              + " is blank: every line up to the last must hold one JSON value");
    }
    if (lineNumber == 1
        && lineLength >= 3
        && line[0] == (byte) 0xEF
        && line[1] == (byte) 0xBB
        && line[2] == (byte) 0xBF) {
      throw new MalformedInputException(
          1,
          "x-ndjson line 1 starts with a byte-order mark (EF BB BF): save the file as UTF-8"
              + " without BOM");
    }
    // Parsed from the checked text, not the bytes: Jackson would guess UTF-16 from zero bytes.
    String text = checkUtf8();
    JsonNode value;
    try {
      value = CanonicalJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedInputException(
          (int) lineNumber,
          "x-ndjson line "
              + lineNumber
              + " is not JSON (column "
              + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr())
              + "): "
              + e.getOriginalMessage());
    }
    if (value == null || value.isMissingNode()) {
      throw new MalformedInputException(
          (int) lineNumber, "x-ndjson line " + lineNumber + " holds no JSON value");
    }
    check.check(lineNumber, value);
    records++;
    return value;
  }

  /** Checks one record (the input schema); throws to refuse it. */
  interface RecordCheck {
    void check(long line, JsonNode record);
  }

  private String checkUtf8() {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(line, 0, lineLength)).toString();
    } catch (CharacterCodingException e) {
      int at = firstInvalidByte();
      throw new MalformedInputException(
          (int) lineNumber,
          "x-ndjson line "
              + lineNumber
              + " is not UTF-8: byte "
              + (at + 1)
              + " of the line is 0x"
              + String.format("%02X", line[at] & 0xFF)
              + "; send the records as UTF-8 (no bytes are replaced)");
    }
  }

  /** Where the first byte that does not decode is (0-based in the line). */
  private int firstInvalidByte() {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(line, 0, lineLength);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(lineLength + 1);
    d.decode(in, out, true);
    return Math.min(in.position(), lineLength - 1);
  }

  private boolean isBlank() {
    for (int i = 0; i < lineLength; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Reads the next line (without its end) into {@link #line}; false at the end of the body. */
  private boolean readLine() {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (position == filled) {
        if (eof || !fill()) {
          if (!any) {
            return false;
          }
          lineNumber++;
          return true;
        }
      }
      any = true;
      int end = position;
      while (end < filled && buffer[end] != '\n') {
        end++;
      }
      append(position, end - position);
      boolean newline = end < filled;
      position = newline ? end + 1 : end;
      if (newline) {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        lineNumber++;
        return true;
      }
    }
  }

  private boolean fill() {
    try {
      int n = body.read(buffer);
      if (n < 0) {
        eof = true;
        return false;
      }
      filled = n;
      position = 0;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the x-ndjson input", e);
    }
  }

  private void append(int from, int length) {
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLength + length, 2 * line.length));
    }
    System.arraycopy(buffer, from, line, lineLength, length);
    lineLength += length;
  }
}
