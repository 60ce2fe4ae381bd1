package dev.taproot.function.runtime;

import dev.taproot.function.GuestText;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Keeps the last {@code capacity} bytes written to it. Stderr is the guest's log and can be
 * endless; the end is what explains a failure, so the start is what we drop.
 *
 * <p>Most guests write little or nothing to stderr, so the buffer starts small and only becomes a
 * ring of the full capacity once that much has been written, rather than allocating 64 KiB for
 * every execution.
 */
final class TailBuffer extends OutputStream {

  /** SPEC §3: the log is the last 64 KiB of stderr. */
  static final int LOG_BYTES = 64 * 1024;

  private static final int INITIAL_BYTES = 512;

  private final int capacity;
  private byte[] ring;
  private long written;

  TailBuffer(int capacity) {
    this.capacity = capacity;
    this.ring = new byte[Math.min(capacity, INITIAL_BYTES)];
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (ring.length < capacity && written + len > ring.length) {
      // Still linear (written < ring.length), so a plain copy keeps every byte where the ring
      // of full capacity expects it.
      long wanted = Math.max(written + len, 2L * ring.length);
      ring = Arrays.copyOf(ring, (int) Math.min(wanted, capacity));
    }
    if (len >= ring.length) {
      // Only the last ring.length bytes can survive; place them where the ring expects them.
      off += len - ring.length;
      written += len - ring.length;
      len = ring.length;
    }
    int start = (int) (written % ring.length);
    int first = Math.min(len, ring.length - start);
    System.arraycopy(b, off, ring, start, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    written += len;
  }

  /**
   * Appends {@code len} bytes of linear memory at {@code addr}; of a write longer than the tail,
   * only its end is copied. Returns {@code len}.
   */
  int write(ExecutionMemory memory, int addr, int len) {
    memory.checkRange(addr, len);
    int kept = Math.min(len, capacity);
    byte[] bytes = new byte[kept];
    memory.read(addr + len - kept, bytes, 0, kept);
    written += len - kept;
    write(bytes, 0, kept);
    return len;
  }

  /**
   * The kept bytes as text, starting on a character boundary if the start was cut; bytes that are
   * not UTF-8 are kept as they are ({@link GuestText}), not replaced.
   */
  String text() {
    int size = (int) Math.min(written, ring.length);
    byte[] tail = new byte[size];
    int start = (int) ((written - size) % ring.length);
    int first = Math.min(size, ring.length - start);
    System.arraycopy(ring, start, tail, 0, first);
    System.arraycopy(ring, 0, tail, first, size - first);
    int skip = 0;
    if (written > ring.length) {
      // A UTF-8 character is at most 4 bytes: skip the continuation bytes (10xxxxxx) of a
      // character whose first byte was dropped.
      while (skip < 3 && skip < size && (tail[skip] & 0xC0) == 0x80) {
        skip++;
      }
    }
    return GuestText.decode(tail, skip, size - skip);
  }
}
