package dev.taproot.function.runtime;

import com.dylibso.chicory.runtime.Memory;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Page arrays that ended executions gave back, for {@link MemoryMode#POOLED}. A page taken from
 * here still holds whatever its last execution wrote; the taker overwrites all of it before use.
 */
final class PagePool {

  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  /** A pool keeping at most {@code capacityBytes} of idle pages. */
  PagePool(long capacityBytes) {
    this.capacity = (int) Math.min(Integer.MAX_VALUE, capacityBytes / Memory.PAGE_SIZE);
  }

  /** A page with unspecified content. */
  byte[] take() {
    byte[] page = free.poll();
    if (page == null) {
      return new byte[Memory.PAGE_SIZE];
    }
    size.decrementAndGet();
    return page;
  }

  void give(byte[] page) {
    if (size.incrementAndGet() <= capacity) {
      free.offer(page);
    } else {
      size.decrementAndGet();
    }
  }
}
