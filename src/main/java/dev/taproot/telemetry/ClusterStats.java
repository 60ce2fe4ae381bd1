package dev.taproot.telemetry;

/** What this instance did as a member of the cluster since it started; the engine provides it. */
public interface ClusterStats {
  /** Units claimed (new work, given-back work, and work taken over from a dead instance). */
  long claims();

  /** Claims of a unit whose lease another instance had let run out. */
  long takeovers();

  /** Leases found lost by the heartbeat or by the fencing check. */
  long leasesLost();

  /** Checkpoints and statuses refused by the fencing check. */
  long fencedWrites();

  /** Milliseconds from the previous owner's last renewal to the latest takeover; 0 before any. */
  long lastTakeoverMillis();

  /** Units held now. */
  int unitsHeld();
}
