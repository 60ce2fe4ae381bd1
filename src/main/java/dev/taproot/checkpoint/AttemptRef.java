package dev.taproot.checkpoint;

import java.util.Objects;

/** One attempt of one item: the primary key of a checkpoint row. */
public record AttemptRef(String runId, ItemRef item, int number) {
  public AttemptRef {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(item, "item");
    if (number < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1, got " + number);
    }
  }

  public String step() {
    return item.step();
  }

  public String key() {
    return item.key();
  }

  @Override
  public String toString() {
    return runId + "/" + item + "#" + number;
  }
}
