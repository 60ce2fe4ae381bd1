package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRange;
import java.util.Set;

/** What one partition of a run schedules: these items of these steps (see {@link Partitioning}). */
record PartitionScope(ItemRange range, Set<String> steps) {
  PartitionScope {
    steps = Set.copyOf(steps);
  }
}
