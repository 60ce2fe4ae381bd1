package dev.taproot.checkpoint;

/**
 * One unit of a run as the database holds it: its generation, its items (null for the coordinator),
 * whether every item of it is final, and what the instance that last held it said of its items
 * (null when none has yet).
 */
public record StoredUnit(
    int unit, int generation, ItemRange range, boolean done, LiveCounts reported) {
  public boolean partition() {
    return range != null;
  }
}
