package dev.taproot.checkpoint;

/** The items {@code [first, end)} of a partition, by their order in the run input. */
public record ItemRange(long first, long end) {
  public ItemRange {
    if (first < 0 || end <= first) {
      throw new IllegalArgumentException(
          "empty or negative item range [" + first + ", " + end + ")");
    }
  }

  public boolean contains(long order) {
    return order >= first && order < end;
  }
}
