package dev.taproot.function.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory chunks ({@link LinearMemory#CHUNK} bytes) that ended executions gave back, for {@link
 * MemoryMode#pooled() the pooled modes}. A chunk taken from here still holds whatever its last
 * execution wrote; the taker overwrites all of it before use.
 */
final class ChunkPool {

  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  /** A pool keeping at most {@code capacityBytes} of idle chunks. */
  ChunkPool(long capacityBytes) {
    this.capacity = (int) Math.min(Integer.MAX_VALUE, capacityBytes / LinearMemory.CHUNK);
  }

  /** A chunk with unspecified content. */
  byte[] take() {
    byte[] chunk = free.poll();
    if (chunk == null) {
      return new byte[LinearMemory.CHUNK];
    }
    size.decrementAndGet();
    return chunk;
  }

  /** How many chunks are waiting to be taken. */
  int idle() {
    return size.get();
  }

  void give(byte[] chunk) {
    if (size.incrementAndGet() <= capacity) {
      free.offer(chunk);
    } else {
      size.decrementAndGet();
    }
  }
}
