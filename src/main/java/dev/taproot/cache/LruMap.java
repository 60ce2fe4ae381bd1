package dev.taproot.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that holds at most {@code capacity} entries and drops the least recently used one (read or
 * written) to make room. The memories that must not grow with a long-lived service's history, such
 * as committed payload digests, compiled functions and finished runs' summaries, are all of this
 * shape. Not thread-safe, and a read reorders the map: callers lock around every access or wrap it
 * with {@link java.util.Collections#synchronizedMap}.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
  private static final long serialVersionUID = 1L;

  private final int capacity;

  public LruMap(int capacity) {
    super(16, 0.75f, true);
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
