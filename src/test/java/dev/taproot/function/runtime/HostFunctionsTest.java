package dev.taproot.function.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The replacements for clock_time_get and random_get. */
class HostFunctionsTest {

  @Test
  void randomStreamDoesNotDependOnHowItIsRead() {
    byte[] once = new byte[37];
    new SeededRandom(7).nextBytes(once, once.length);

    SeededRandom pieces = new SeededRandom(7);
    byte[] inPieces = new byte[37];
    int[] sizes = {1, 3, 8, 5, 16, 4};
    int at = 0;
    for (int size : sizes) {
      byte[] piece = new byte[size];
      pieces.nextBytes(piece, size);
      System.arraycopy(piece, 0, inPieces, at, size);
      at += size;
    }
    assertArrayEquals(once, inPieces);
  }

  @Test
  void randomStreamIsSplittableRandomLittleEndian() {
    // Recorded seeds must keep their meaning: pin the stream to its specified generator.
    byte[] bytes = new byte[8];
    new SeededRandom(1).nextBytes(bytes, 8);
    long expected = new SplittableRandom(1).nextLong();
    long actual = 0;
    for (int i = 7; i >= 0; i--) {
      actual = (actual << 8) | (bytes[i] & 0xFF);
    }
    assertEquals(expected, actual);
  }

  @Test
  void seedsMakeDifferentStreams() {
    byte[] a = new byte[16];
    byte[] b = new byte[16];
    new SeededRandom(1).nextBytes(a, 16);
    new SeededRandom(2).nextBytes(b, 16);
    assertFalse(Arrays.equals(a, b));
  }

  @Test
  void clockStartsAtTheRecordedTimeAndTicks() {
    VirtualClock clock = new VirtualClock(Instant.parse("2025-01-01T00:00:00.000000123Z"));
    long start = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L + 123;
    assertEquals(start, clock.read());
    assertEquals(start + VirtualClock.TICK_NANOS, clock.read());
    assertEquals(start + 2 * VirtualClock.TICK_NANOS, clock.read());
  }
}
