package dev.taproot.checkpoint;

/**
 * One unit of a run as the database holds it: its generation, its items (null for the coordinator)
 * and whether every item of it is final.
 */
public record StoredUnit(int unit, int generation, ItemRange range, boolean done) {
  public boolean partition() {
    return range != null;
  }
}
