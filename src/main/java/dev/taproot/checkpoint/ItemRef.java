package dev.taproot.checkpoint;

import java.util.Comparator;
import java.util.Objects;

/** One item of one step of a run: {@code (step, key)}, the unit that is checkpointed. */
public record ItemRef(String step, String key) {
  /** Item keys in item order: numbers by value ("2" before "10"), then as text. */
  public static final Comparator<String> KEY_ORDER =
      (a, b) -> a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);

  public ItemRef {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(key, "key");
  }

  @Override
  public String toString() {
    return step + "/" + key;
  }
}
