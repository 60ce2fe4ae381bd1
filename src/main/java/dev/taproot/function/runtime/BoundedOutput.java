package dev.taproot.function.runtime;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The guest's stdout, kept in memory up to a limit. Going over the limit throws an unchecked
 * exception rather than an IOException: Chicory's fd_write turns an IOException into an EIO the
 * guest could ignore and keep writing, while an unchecked exception unwinds straight out of the
 * guest, stopping it at once.
 */
final class BoundedOutput extends OutputStream {

  /** Thrown from a write that would pass the limit. */
  static final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitExceeded(long limit) {
      super("stdout exceeded " + limit + " bytes", null, false, false);
    }
  }

  private final long limit;
  private byte[] bytes = new byte[256];
  private int count;

  BoundedOutput(long limit) {
    this.limit = limit;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (count + (long) len > limit) {
      throw new LimitExceeded(limit);
    }
    ensureCapacity(len);
    System.arraycopy(b, off, bytes, count, len);
    count += len;
  }

  private void ensureCapacity(int len) {
    if (count + len > bytes.length) {
      long doubled = Math.max((long) bytes.length * 2, count + (long) len);
      bytes = Arrays.copyOf(bytes, (int) Math.min(doubled, limit));
    }
  }

  /**
   * Appends {@code len} bytes of linear memory at {@code addr}, copied once, straight in; returns
   * {@code len}.
   */
  int write(ExecutionMemory memory, int addr, int len) {
    // Out of bounds traps before the limit is looked at, as when the bytes were read first.
    memory.checkRange(addr, len);
    if (count + (long) len > limit) {
      throw new LimitExceeded(limit);
    }
    ensureCapacity(len);
    memory.read(addr, bytes, count, len);
    count += len;
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, count);
  }

  long limit() {
    return limit;
  }
}
