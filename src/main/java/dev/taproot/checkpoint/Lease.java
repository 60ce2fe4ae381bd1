package dev.taproot.checkpoint;

import java.util.Objects;

/**
 * The right of one instance to work on one unit of a run: granted by a claim, renewed by the
 * heartbeat, and checked ({@code fence}) in the transaction that commits the unit's checkpoints.
 * Unit 0 is the run's coordinator; units 1..n are partitions of its items.
 */
public record Lease(String runId, int unit, int generation, long fence, String owner) {
  public static final int COORDINATOR = 0;

  public Lease {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(owner, "owner");
  }

  public boolean coordinator() {
    return unit == COORDINATOR;
  }

  @Override
  public String toString() {
    return runId + "#" + unit + " (generation " + generation + ", fence " + fence + ")";
  }
}
