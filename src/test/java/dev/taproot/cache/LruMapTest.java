package dev.taproot.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LruMapTest {
  @Test
  void dropsTheLeastRecentlyUsedEntryBeyondItsCapacity() {
    LruMap<String, Integer> map = new LruMap<>(3);
    map.put("a", 1);
    map.put("b", 2);
    map.put("c", 3);
    map.get("a"); // read: "b" is now the least recently used
    map.put("d", 4);

    assertEquals(List.of("c", "a", "d"), List.copyOf(map.keySet()));
  }

  @Test
  void neverHoldsMoreThanItsCapacity() {
    LruMap<Integer, Integer> map = new LruMap<>(100);
    for (int i = 0; i < 10_000; i++) {
      map.put(i, i);
    }
    assertEquals(100, map.size());
    assertEquals(9_900, map.keySet().iterator().next());
  }

  @Test
  void refusesACapacityBelowOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LruMap<String, String>(0));
    assertEquals("capacity must be at least 1, was 0", e.getMessage());
  }
}
