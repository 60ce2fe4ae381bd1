package dev.taproot.checkpoint;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a run that starts (or starts again) is divided: its partitions, if any, and the instance that
 * holds its coordinator at once when there are none.
 */
public record UnitPlan(List<ItemRange> partitions, String owner, Duration lease) {
  public UnitPlan {
    partitions = List.copyOf(partitions);
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(lease, "lease");
  }

  /**
   * A run stored or reopened under a plan; {@code coordinator} is null when it waits for a claim (a
   * partitioned run).
   */
  public record Opened(StoredRun run, Lease coordinator) {}
}
