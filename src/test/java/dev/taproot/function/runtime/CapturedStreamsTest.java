package dev.taproot.function.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapturedStreamsTest {

  @Test
  void tailKeepsEverythingWhileItFits() throws Exception {
    TailBuffer tail = new TailBuffer(16);
    tail.write("hello ".getBytes(UTF_8));
    tail.write("world".getBytes(UTF_8));
    assertEquals("hello world", tail.text());
  }

  @Test
  void tailKeepsOnlyTheLastBytes() throws Exception {
    TailBuffer tail = new TailBuffer(8);
    tail.write("0123456789".getBytes(UTF_8));
    tail.write('A');
    tail.write("BC".getBytes(UTF_8));
    assertEquals("56789ABC", tail.text());
  }

  @Test
  void tailOfManySmallWritesWrapsAround() throws Exception {
    TailBuffer tail = new TailBuffer(TailBuffer.LOG_BYTES);
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      String line = "line " + i + "\n";
      all.append(line);
      tail.write(line.getBytes(UTF_8));
    }
    String expected = all.substring(all.length() - TailBuffer.LOG_BYTES);
    assertEquals(expected, tail.text());
  }

  @Test
  void tailStartsOnACharacterBoundary() throws Exception {
    TailBuffer tail = new TailBuffer(6);
    // "é" and "€" are 2 and 3 bytes, 8 bytes in all: keeping 6 cuts "é" in half.
    tail.write("aé€b".getBytes(UTF_8));
    tail.write("c".getBytes(UTF_8));
    assertEquals("€bc", tail.text());
  }

  @Test
  void tailMatchesKeepingEverythingAndCuttingTheEnd() throws Exception {
    java.util.Random random = new java.util.Random(3);
    for (int round = 0; round < 200; round++) {
      int capacity = 1 + random.nextInt(3000);
      TailBuffer tail = new TailBuffer(capacity);
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (int w = random.nextInt(40); w > 0; w--) {
        byte[] chunk = new byte[random.nextInt(random.nextBoolean() ? 50 : 5000)];
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) ('a' + random.nextInt(26));
        }
        tail.write(chunk);
        all.write(chunk);
      }
      String everything = all.toString(UTF_8);
      String expected = everything.substring(Math.max(0, everything.length() - capacity));
      assertEquals(expected, tail.text(), "round " + round);
    }
  }

  @Test
  void boundedOutputKeepsWhatFits() {
    BoundedOutput out = new BoundedOutput(10);
    out.write("0123456789".getBytes(UTF_8), 0, 10);
    assertArrayEquals("0123456789".getBytes(UTF_8), out.toByteArray());
  }

  @Test
  void boundedOutputThrowsPastTheLimit() {
    BoundedOutput out = new BoundedOutput(10);
    out.write("01234".getBytes(UTF_8), 0, 5);
    assertThrows(
        BoundedOutput.LimitExceeded.class, () -> out.write("567890".getBytes(UTF_8), 0, 6));
    assertThrows(BoundedOutput.LimitExceeded.class, () -> new BoundedOutput(0).write('x'));
  }

  @Test
  void boundedOutputGrowsPastItsFirstBuffer() {
    BoundedOutput out = new BoundedOutput(1 << 20);
    byte[] block = new byte[1000];
    for (int i = 0; i < 1000; i++) {
      block[0] = (byte) i;
      out.write(block, 0, block.length);
    }
    byte[] all = out.toByteArray();
    assertEquals(1_000_000, all.length);
    assertTrue(all[999_000] == (byte) 999);
  }
}
