package dev.taproot.function.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What one execution may use.
 *
 * @param memoryBytes ceiling of the guest's linear memory; whole 64 KiB pages below it are usable
 * @param timeout wall-clock time from instantiation to exit
 * @param outputBytes ceiling of what the guest may write to stdout
 */
public record Limits(long memoryBytes, Duration timeout, long outputBytes) {

  /** A Wasm page; linear memory grows in these. */
  public static final long PAGE_BYTES = 64 * 1024;

  /** The whole 32-bit address space: no wasm32 guest can use more. */
  public static final long MAX_MEMORY_BYTES = 4L * 1024 * 1024 * 1024;

  /** Stdout is buffered in one Java array, which cannot be larger than this. */
  public static final long MAX_OUTPUT_BYTES = Integer.MAX_VALUE - 8;

  /** The SPEC §2 defaults: 64 MiB, 30 s, 4 MiB. */
  public static final Limits DEFAULTS =
      new Limits(64 * 1024 * 1024, Duration.ofSeconds(30), 4 * 1024 * 1024);

  public Limits {
    Objects.requireNonNull(timeout, "timeout");
    if (memoryBytes < PAGE_BYTES || memoryBytes > MAX_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memory limit must be between 64 KiB (one Wasm page) and 4 GiB, was "
              + memoryBytes
              + " bytes");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    if (outputBytes < 1 || outputBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "output limit must be between 1 byte and 2 GiB, was " + outputBytes + " bytes");
    }
  }

  /** Whole pages under the memory limit: a partial page cannot be mapped. */
  public int memoryPages() {
    return (int) (memoryBytes / PAGE_BYTES);
  }

  public Limits withMemoryBytes(long bytes) {
    return new Limits(bytes, timeout, outputBytes);
  }

  public Limits withTimeout(Duration newTimeout) {
    return new Limits(memoryBytes, newTimeout, outputBytes);
  }

  public Limits withOutputBytes(long bytes) {
    return new Limits(memoryBytes, timeout, bytes);
  }
}
