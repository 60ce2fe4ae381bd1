package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.Payload;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The x-ndjson body read as a stream: chunks, exact lines, bytes refused rather than repaired. */
class NdjsonReaderTest {

  private static List<Payload> readAll(byte[] body) {
    NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(body), (line, r) -> {});
    List<Payload> all = new ArrayList<>();
    for (List<Payload> chunk = reader.next(); !chunk.isEmpty(); chunk = reader.next()) {
      all.addAll(chunk);
    }
    return all;
  }

  private static MalformedInputException refused(byte[] body) {
    return assertThrows(MalformedInputException.class, () -> readAll(body));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void recordsArriveInChunksAndKeepTheirOrder() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      body.append("{\"n\":").append(i).append("}\n");
    }
    NdjsonReader reader =
        new NdjsonReader(new ByteArrayInputStream(utf8(body.toString())), (line, r) -> {});
    List<Integer> sizes = new ArrayList<>();
    int n = 0;
    for (List<Payload> chunk = reader.next(); !chunk.isEmpty(); chunk = reader.next()) {
      sizes.add(chunk.size());
      for (Payload p : chunk) {
        assertEquals(n++, CanonicalJson.parse(p.bytes()).get("n").asInt());
        assertNull(p.value(), "a chunk holds bytes, not parsed values as well");
      }
    }
    assertEquals(List.of(1000, 1000, 500), sizes);
  }

  @Test
  void aStreamThatArrivesAByteAtATimeGivesTheSameRecords() {
    byte[] body = utf8("{\"a\": \"é\"}\r\n[1,2]\n\n  \n");
    InputStream trickle =
        new ByteArrayInputStream(body) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(1, len));
          }
        };
    NdjsonReader reader = new NdjsonReader(trickle, (line, r) -> {});
    List<Payload> chunk = reader.next();
    assertEquals(2, chunk.size());
    assertEquals("{\"a\":\"é\"}", new String(chunk.get(0).bytes(), StandardCharsets.UTF_8));
    assertEquals("[1,2]", new String(chunk.get(1).bytes(), StandardCharsets.UTF_8));
    assertTrue(reader.next().isEmpty());
  }

  @Test
  void linesAreCountedExactlyWithCrLfAndBlankTails() {
    MalformedInputException e = refused(utf8("{}\r\n{}\r\n{\"x\": nope}\r\n"));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
  }

  @Test
  void aBlankLineBeforeTheLastRecordIsNamed() {
    MalformedInputException e = refused(utf8("{}\n{}\n\n{}\n"));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("blank"), e.getMessage());
  }

  @Test
  void invalidUtf8IsRefusedWithItsLineAndByte() {
    byte[] body = {'{', '}', '\n', '"', 'a', (byte) 0xC3, '"', '\n'};
    MalformedInputException e = refused(body);
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    assertTrue(e.getMessage().contains("byte 3"), e.getMessage());
    assertTrue(e.getMessage().contains("0xC3"), e.getMessage());
  }

  @Test
  void anOverlongEncodingIsNotUtf8Either() {
    // 0xC0 0xAF is an overlong '/': decoders that repair would turn it into U+FFFD silently.
    MalformedInputException e = refused(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"', '\n'});
    assertEquals(1, e.line());
  }

  @Test
  void aByteOrderMarkIsRefusedNamingLineOne() {
    byte[] body = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}', '\n'};
    MalformedInputException e = refused(body);
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("byte-order mark"), e.getMessage());
  }

  @Test
  void twoValuesOnALineAreRefused() {
    assertEquals(2, refused(utf8("{}\n{} {}\n")).line());
  }

  @Test
  void rawControlCharactersInAStringAreNotJson() {
    assertEquals(1, refused(utf8("\"a\u0001b\"\n")).line());
  }

  @Test
  void anEmptyBodyHasNoRecords() {
    assertNull(refused(utf8("\n\n")).line());
  }

  @Test
  void theCheckSeesEveryRecordWithItsLine() {
    List<Long> lines = new ArrayList<>();
    NdjsonReader reader =
        new NdjsonReader(
            new ByteArrayInputStream(utf8("1\n2\n\n")), (line, record) -> lines.add(line));
    reader.next();
    assertEquals(List.of(1L, 2L), lines);
  }
}
