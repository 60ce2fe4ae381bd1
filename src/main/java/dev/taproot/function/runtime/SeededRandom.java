package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.util.SplittableRandom;

/**
 * The guest's {@code random_get}: one stream of bytes from a generator seeded with the execution's
 * recorded seed, so a replay reads the same "random" bytes.
 *
 * <p>The stream does not depend on how the guest splits its requests (two calls for 8 bytes read
 * what one call for 16 reads), and SplittableRandom's output for a seed is fixed by its
 * specification, so recorded seeds keep their meaning across Chicory and JDK upgrades. Not
 * cryptographically secure, which is the point: a function needing real secrets cannot be replayed,
 * and the seed is stored with the checkpoint anyway.
 */
final class SeededRandom {

  static final String NAME = "random_get";

  private static final int CHUNK = 4096;

  private final SplittableRandom random;
  private long pending;
  private int pendingBytes;

  SeededRandom(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Fills {@code bytes} with the next bytes of the stream. */
  void nextBytes(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (pendingBytes == 0) {
        pending = random.nextLong();
        pendingBytes = Long.BYTES;
      }
      bytes[i] = (byte) pending;
      pending >>>= 8;
      pendingBytes--;
    }
  }

  long[] randomGet(Instance instance, long... args) {
    long buf = Integer.toUnsignedLong((int) args[0]);
    long length = Integer.toUnsignedLong((int) args[1]);
    Memory memory = instance.memory();
    // Refuse before producing bytes, so a bad pointer does not consume the stream.
    if (buf + length > (long) memory.pages() * Memory.PAGE_SIZE) {
      return new long[] {WasiErrors.FAULT};
    }
    byte[] chunk = new byte[(int) Math.min(length, CHUNK)];
    for (long done = 0; done < length; done += chunk.length) {
      int n = (int) Math.min(chunk.length, length - done);
      nextBytes(chunk, n);
      memory.write((int) (buf + done), chunk, 0, n);
    }
    return new long[] {WasiErrors.SUCCESS};
  }
}
